/**
 * Chat templates: turns a conversation into the prompt text a model was trained on, by rendering the
 * model's {@code tokenizer.chat_template} (a Jinja2 template from Hugging Face) the way Hugging Face
 * transformers does.
 *
 * <p>{@link io.kvasir.engine.chat.ChatTemplate} is the entry point; {@link io.kvasir.engine.chat.ChatMessage}
 * is one turn. The Jinja engine (Jinjava, adapted to Jinja2/Python semantics) lives in {@code .internal}.
 */
package io.kvasir.engine.chat;
