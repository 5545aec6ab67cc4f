package io.invoicestreams.domain;

/** Keeps raw input short and printable when it is quoted in an error message. */
public final class Texts {

    private static final int MAX = 80;

    private Texts() {
    }

    /** The first 80 characters of {@code raw}, with control characters shown as '?'. */
    public static String abbreviate(String raw) {
        if (raw == null) {
            return "null";
        }
        String shown = raw.length() > MAX ? raw.substring(0, MAX) + "…(" + raw.length() + " chars)" : raw;
        StringBuilder out = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
