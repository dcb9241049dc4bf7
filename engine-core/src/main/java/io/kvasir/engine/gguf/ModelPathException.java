package io.kvasir.engine.gguf;

/**
 * A requested model path that {@link ModelPathPolicy} refuses: outside the model directories, a symbolic link
 * leaving them, {@code ..}, a directory, a device, a FIFO, missing, or not a path at all. Thrown before any
 * file is opened. The message quotes the request with control characters escaped, so that it is safe to log.
 */
public final class ModelPathException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String requested;

    public ModelPathException(String requested, String problem) {
        super("model path '" + printable(requested) + "': " + problem);
        this.requested = requested;
    }

    /** The path as requested. */
    public String requested() {
        return requested;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\'') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
