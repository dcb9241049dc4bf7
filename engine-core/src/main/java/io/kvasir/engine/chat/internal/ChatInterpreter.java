package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/** An interpreter for one render, carrying that render's {@link RenderState} where templates cannot reach it. */
final class ChatInterpreter extends JinjavaInterpreter {
    private final RenderState state;

    ChatInterpreter(Jinjava application, Context context, JinjavaConfig config, RenderState state) {
        super(application, context, config);
        this.state = state;
    }

    RenderState state() {
        return state;
    }
}
