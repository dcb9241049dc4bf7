package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;
import com.hubspot.jinjava.util.HasObjectTruthValue;

import java.io.IOException;

/**
 * Python's {@code None} inside a template.
 *
 * <p>Jinjava uses Java {@code null} for an undefined name; Jinja keeps {@code None} and undefined apart
 * ({@code x is none}, {@code x is defined}, printing {@code None} versus nothing), so a defined-but-None
 * value is this singleton and {@code null} always means undefined.
 */
public enum PyNone implements PyishSerializable, HasObjectTruthValue {
    INSTANCE;

    @Override
    public boolean getObjectTruthValue() {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) throws IOException {
        return (T) appendable.append("None");
    }

    @Override
    public String toString() {
        return "None";
    }
}
