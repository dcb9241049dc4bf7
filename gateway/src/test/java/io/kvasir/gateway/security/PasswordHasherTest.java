package io.kvasir.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1_000);

    @Test
    void verifiesTheRightPasswordOnly() {
        String stored = hasher.hash("correct horse battery staple");
        assertThat(stored).startsWith("pbkdf2-sha256$1000$");
        assertThat(hasher.verify("correct horse battery staple", stored)).isTrue();
        assertThat(hasher.verify("correct horse battery stapl", stored)).isFalse();
        assertThat(hasher.verify("", stored)).isFalse();
    }

    @Test
    void saltsEveryHash() {
        assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
    }

    @Test
    void oldHashesStayVerifiableAfterTheIterationCountChanges() {
        String stored = new PasswordHasher(500).hash("pw");
        assertThat(hasher.verify("pw", stored)).isTrue();
    }

    @Test
    void malformedStoredHashesMatchNothing() {
        assertThat(hasher.verify("pw", "")).isFalse();
        assertThat(hasher.verify("pw", "md5$1$abc$def")).isFalse();
        assertThat(hasher.verify("pw", "pbkdf2-sha256$x$abc$def")).isFalse();
        assertThat(hasher.verify("pw", "pbkdf2-sha256$0$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("pw", "pbkdf2-sha256$10$!!$AAAA")).isFalse();
    }
}
