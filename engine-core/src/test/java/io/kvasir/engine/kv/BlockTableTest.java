package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockTableTest {

    @Test
    void mapsTokenPositionsToBlockOffsetAndSlot() {
        BlockTable table = new BlockTable(4);
        table.append(7);
        table.append(2);
        table.setNumTokens(6);

        assertThat(table.blockIdForToken(0)).isEqualTo(7);
        assertThat(table.offsetInBlock(3)).isEqualTo(3);
        assertThat(table.blockIdForToken(4)).isEqualTo(2);
        assertThat(table.offsetInBlock(5)).isEqualTo(1);
        assertThat(table.slot(0)).isEqualTo(28);
        assertThat(table.slot(3)).isEqualTo(31);
        assertThat(table.slot(5)).isEqualTo(9);
        assertThat(table.numFullBlocks()).isEqualTo(1);
    }

    @Test
    void rejectsPositionsWithoutASlot() {
        BlockTable table = new BlockTable(4);
        table.append(0);
        table.setNumTokens(3);

        assertThatThrownBy(() -> table.slot(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> table.blockIdForToken(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> table.blockId(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void growsPastItsInitialCapacityAndCopiesIdsOut() {
        BlockTable table = new BlockTable(1);
        for (int i = 0; i < 100; i++) {
            table.append(1000 + i);
        }
        table.setNumTokens(100);

        int[] dst = new int[102];
        assertThat(table.copyBlockIds(dst, 2)).isEqualTo(100);
        assertThat(dst[2]).isEqualTo(1000);
        assertThat(dst[101]).isEqualTo(1099);
        assertThat(table.slot(99)).isEqualTo(1099);
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        BlockTable table = new BlockTable(2);
        table.append(5);
        table.setNumTokens(1);

        BlockTable copy = table.copy();
        copy.replaceLast(6);
        copy.append(8);
        copy.setNumTokens(3);

        assertThat(table.numBlocks()).isEqualTo(1);
        assertThat(table.blockId(0)).isEqualTo(5);
        assertThat(copy.blockId(0)).isEqualTo(6);
        assertThat(copy.numTokens()).isEqualTo(3);
    }
}
