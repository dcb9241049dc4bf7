package io.kvasir.engine.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.kvasir.api.InvalidRequestException;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.chat.ChatTemplate;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufFormatException;
import io.kvasir.engine.gguf.GgufMetadata;
import io.kvasir.engine.tokenizer.Tokenizer;
import io.kvasir.engine.tokenizer.Tokenizers;

/**
 * A model file opened for serving: its configuration, weights (zero-copy views of the mapping), tokenizer
 * and chat template. Several engine instances may share one loaded model; {@link #close()} unmaps the
 * file, after which none of them may run.
 */
public final class LoadedModel implements AutoCloseable {

    private final String name;
    private final GgufFile gguf;
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;

    private LoadedModel(String name, GgufFile gguf, LlamaConfig config, LlamaWeights weights, Tokenizer tokenizer,
            ChatTemplate chatTemplate) {
        this.name = name;
        this.gguf = gguf;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
    }

    /**
     * Opens a GGUF model.
     *
     * @throws IOException when the file cannot be read
     * @throws GgufFormatException when it is malformed or not a supported model (the message names the field)
     */
    public static LoadedModel load(Path file) throws IOException {
        GgufFile gguf = GgufFile.open(file);
        try {
            GgufMetadata md = gguf.metadata();
            Tokenizer tokenizer;
            try {
                tokenizer = Tokenizers.fromMetadata(md);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(file, "tokenizer.ggml.model", e.getMessage());
            }
            LlamaConfig config;
            try {
                config = LlamaConfig.fromMetadata(md, tokenizer.vocabSize());
            } catch (GgufFormatException e) {
                throw e.file() == null ? e.inFile(file) : e;
            }
            LlamaWeights weights = LlamaWeights.load(gguf, config);
            String template = md.getString("tokenizer.chat_template", "");
            ChatTemplate chatTemplate = template.isEmpty() ? ChatTemplate.fallback() : ChatTemplate.compile(template);
            String name = file.getFileName().toString().replaceFirst("\\.gguf$", "");
            return new LoadedModel(name, gguf, config, weights, tokenizer, chatTemplate);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    /** The model's name: its file name without {@code .gguf}. */
    public String name() {
        return name;
    }

    public Path path() {
        return gguf.path();
    }

    public GgufFile gguf() {
        return gguf;
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /**
     * Renders a conversation with the model's chat template, generation prompt appended, and tokenizes it.
     * BOS is added as the metadata asks unless the template already wrote it; special tokens in the rendered
     * text are parsed.
     *
     * @throws InvalidRequestException (parameter {@code messages}) when a message's text is not valid Unicode
     *     (a lone surrogate), which the tokenizer cannot encode
     * @throws io.kvasir.engine.chat.ChatTemplateException when the template rejects the messages
     */
    public int[] encodeChat(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            String content = messages.get(i).content();
            int bad = content == null ? -1 : loneSurrogateAt(content);
            if (bad >= 0) {
                throw new InvalidRequestException("messages", "messages[" + i + "].content is not valid Unicode: "
                        + "a lone surrogate at index " + bad);
            }
        }
        String bos = tokenizer.bosId() >= 0 ? tokenizer.tokenText(tokenizer.bosId()) : "";
        String eos = tokenizer.eosId() >= 0 ? tokenizer.tokenText(tokenizer.eosId()) : "";
        String rendered = chatTemplate.render(messages, true, bos, eos);
        boolean templateAddsBos = !bos.isEmpty() && rendered.startsWith(bos);
        return tokenizer.encode(rendered, tokenizer.addBosByDefault() && !templateAddsBos, true);
    }

    private static int loneSurrogateAt(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** KV bytes one token takes with f32 storage: 2 × layers × KV heads × head dim × 4. */
    public long kvBytesPerToken() {
        return 2L * config.numLayers() * config.kvDim() * Float.BYTES;
    }

    @Override
    public void close() {
        gguf.close();
    }
}
