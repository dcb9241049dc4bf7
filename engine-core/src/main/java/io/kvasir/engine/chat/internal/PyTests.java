package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.objects.SafeString;
import java.util.Collection;
import java.util.Map;

/** Jinja2's {@code sequence} and {@code iterable} tests, under which strings qualify (Jinjava's say no). */
final class PyTests {
    private PyTests() {}

    /** {@code value is sequence}: anything with a length and items. */
    static final class SequenceTest implements ExpTest {
        @Override
        public String getName() {
            return "sequence";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return isString(var) || var instanceof Collection<?> || var instanceof Map<?, ?> || var instanceof Object[];
        }
    }

    /** {@code value is iterable}: anything a for loop can walk. */
    static final class IterableTest implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return isString(var) || var instanceof Iterable<?> || var instanceof Map<?, ?> || var instanceof Object[];
        }
    }

    private static boolean isString(Object var) {
        return var instanceof String || var instanceof SafeString;
    }
}
