package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanesTest {

    @Test
    void byteChunksSplitIntoOneOrTwoFloatVectors() {
        System.out.printf("codec kernels: %d float lanes, %d-byte chunks, %d part(s)%n", Lanes.L, Lanes.E, Lanes.PARTS);
        assertThat(Lanes.E).isEqualTo(Lanes.PARTS * Lanes.L);
        assertThat(Lanes.PARTS).isBetween(1, 2);
        assertThat(Lanes.I.length()).isEqualTo(Lanes.L);
        assertThat(Lanes.S.length()).isEqualTo(Lanes.L);
    }
}
