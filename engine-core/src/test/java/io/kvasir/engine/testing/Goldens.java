package io.kvasir.engine.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;



/** llama.cpp's reference outputs from shared/goldens. */
public record Goldens(String model, List<Case> cases) {

    public record Case(String prompt, int[] promptTokens, float[][] promptLogits, int[] greedyTokens, String greedyText) {
    }

    public static Goldens load(String model) throws IOException {
        Path file = SharedFiles.require("goldens/" + model + ".json");
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            JsonNode logitRows = c.get("prompt_logits");
            float[][] logits = new float[logitRows.size()][];
            for (int i = 0; i < logits.length; i++) {
                JsonNode row = logitRows.get(i);
                logits[i] = new float[row.size()];
                for (int j = 0; j < logits[i].length; j++) {
                    logits[i][j] = (float) row.get(j).asDouble();
                }
            }
            cases.add(new Case(c.get("prompt").asString(), ints(c.get("prompt_tokens")), logits,
                    ints(c.get("greedy_tokens")), c.get("greedy_text").asString()));
        }
        return new Goldens(model, cases);
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
