package io.kvasir.ops.loadgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples of a Prometheus text exposition (what {@code /actuator/prometheus} serves), enough to read the JVM
 * gauges a load run watches: each sample line {@code name{label="value",...} number [timestamp]}; {@code #}
 * lines (HELP, TYPE) and blank lines are skipped; label values may hold escaped quotes, backslashes and
 * newlines, commas and braces.
 */
final class PrometheusText {

    /** One sample. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the line that is not a sample
     */
    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int lineNumber = 0;
        for (String raw : text.split("\n")) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(parseSample(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNumber + " is not a Prometheus sample: " + line, e);
            }
        }
        return new PrometheusText(samples);
    }

    List<Sample> samples() {
        return samples;
    }

    /**
     * The sum of the samples named {@code name} whose labels include every entry of {@code labels}; NaN when none
     * matches (the metric is not exported).
     */
    double sum(String name, Map<String, String> labels) {
        double sum = 0;
        boolean found = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                sum += s.value();
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    private static Sample parseSample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no metric name");
        }
        Map<String, String> labels = new HashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = parseLabels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        return new Sample(name, labels, parseValue(rest[0]));
    }

    /** Parses labels from just after {@code {}; returns the index after the closing brace. */
    private static int parseLabels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (true) {
            while (line.charAt(i) == ' ' || line.charAt(i) == ',') {
                i++;
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            i = eq + 1;
            if (line.charAt(i) != '"') {
                throw new IllegalArgumentException("label value not quoted");
            }
            StringBuilder value = new StringBuilder();
            i++;
            while (line.charAt(i) != '"') {
                char c = line.charAt(i);
                if (c == '\\') {
                    char escaped = line.charAt(++i);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
                i++;
            }
            labels.put(key, value.toString());
            i++;
        }
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
