#!/usr/bin/env python3
"""Span cases for the storage-time translation differential test (ours; see ../README.md).

Writes a JSON list of {"a": [[key, value], ...], "e": [{"n": name, "a": [[key, value], ...]}, ...]} to stdout:
OTLP attributes and events as decoded AnyValues (str, int, float, bool, list, dict, None). Realistic spans of each
convention first, then random mixes of every convention's attribute names, MLflow's own attributes and awkward
values (falsy, JSON-in-strings, numbers as strings, unhashable kinds)."""
import json
import random

rnd = random.Random(311)

KINDS = {
    "openinference.span.kind": ["LLM", "CHAIN", "TOOL", "RETRIEVER", "EMBEDDING", "AGENT", "RERANKER", "UNKNOWN", "GUARDRAIL", "EVALUATOR", "llm", "PROMPT"],
    "gen_ai.operation.name": ["chat", "create_agent", "embeddings", "execute_tool", "generate_content", "invoke_agent", "text_completion",
                              "response", "CHAT", "Invoke_Agent", "llm_call", "tool_call", "agent_call", "user_prompt", "system_prompt", "invo\u212ae_agent"],
    "traceloop.span.kind": ["workflow", "task", "agent", "tool", "unknown", "llm"],
    "ai.operationId": ["ai.generateText", "ai.generateText.doGenerate", "ai.toolCall", "ai.streamText", "ai.streamText.doStream",
                       "ai.generateObject", "ai.embed", "ai.embedMany", "ai.other"],
    "span.type": ["agent", "llm", "tool", "memory", "other"],
    "entity.type": ["agent", "llm", "tool", "memory", "other"],
    "lmnr.span.type": ["LLM", "TOOL", "DEFAULT", "PIPELINE", "EXECUTOR", "EVALUATOR", "HUMAN_EVALUATOR", "EVALUATION", "CACHED", "X"],
    "langfuse.observation.type": ["generation", "embedding", "tool", "retriever", "agent", "chain", "evaluator", "guardrail", "span", "event"],
    "gen_ai.agent.name": ["gemini-cli", "other-agent"],
}

TOKEN_KEYS = [
    "llm.token_count.prompt", "llm.token_count.completion", "llm.token_count.total",
    "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens",
    "llm.usage.total_tokens", "usage.prompt_tokens", "usage.completion_tokens", "usage.total_tokens",
    "llm.usage.prompt_tokens", "llm.usage.completion_tokens",
]

VALUE_KEYS = [
    "input.value", "output.value", "gen_ai.input.messages", "gen_ai.tool.call.arguments", "gen_ai.output.messages",
    "gen_ai.tool.call.result", "traceloop.entity.input", "traceloop.entity.output", "gen_ai.prompt.0.content",
    "gen_ai.prompt.1.content", "gen_ai.prompt.0.role", "gen_ai.completion.0.content", "gen_ai.completion.0.tool_calls.0.arguments",
    "gen_ai.completion.1.tool_calls.2.arguments", "gen_ai.prompt.12.content_extra", "gen_ai.prompt.x.content",
    "gcp.vertex.agent.llm_request", "gcp.vertex.agent.tool_call_args", "gcp.vertex.agent.llm_response", "gcp.vertex.agent.tool_response",
    "ai.prompt", "ai.toolCall.args", "ai.value", "ai.values", "ai.response.text", "ai.toolCall.result", "ai.response.object",
    "ai.embedding", "ai.embeddings", "ai.prompt.messages", "ai.prompt.tools", "ai.prompt.toolChoice", "ai.response.finishReason",
    "ai.response.toolCalls", "agent.messages", "llm.messages", "input", "output", "lk.user_input", "lk.user_transcript",
    "lk.chat_ctx", "lk.input_text", "lk.response.text", "lk.response.function_calls", "lmnr.span.input", "lmnr.span.output",
    "langfuse.observation.input", "langfuse.observation.output", "gen_ai.tool.definitions",
]

MODEL_KEYS = ["llm.model_name", "embedding.model_name", "gen_ai.response.model", "gen_ai.request.model",
              "llm.provider", "gen_ai.provider.name", "gen_ai.system"]

FLAG_KEYS = ["voltagent.operation_id", "voltagent.conversation_id", "lk.agent_name", "lk.room_name", "lk.retry_count",
             "lk.function_tool.name", "lk.instructions", "lk.generation_id", "lk.tts.label", "lk.transcript_confidence",
             "lk.transcription_delay", "lk.job_id"]

MLFLOW_KEYS = {
    "mlflow.spanType": ["LLM", "UNKNOWN", "", "CHAIN", None, '"UNKNOWN"', "null"],
    "mlflow.spanInputs": ['{"model": "gpt-4o", "messages": []}', "hello", {"model": "m"}],
    "mlflow.spanOutputs": ['{"model": "out-model"}', "bye"],
    "mlflow.chat.tokenUsage": ['{"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}'],
    "mlflow.message.format": ["openai"],
    "mlflow.chat.tools": ['[{"type": "function"}]'],
    "mlflow.llm.model": ["existing-model"],
    "mlflow.llm.provider": ["existing-provider"],
}

TEXTS = [
    "What is MLflow?", "", "0", "{}", "[]", '""', '"quoted"', '{"query": "test"}', '[{"role": "user", "content": "Hi"}]',
    '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]}', '{"contents": [{"role": "user"}]}',
    '{"candidates": []}', '[{"role": "model", "parts": [{"text": "a"}]}, {"role": "model", "parts": [{"text": "b"}]}]',
    '[{"role": "user", "parts": [{"text": "q"}]}]', '[1, 2]', "Ça coûte 5 €", "line\nbreak", '"\\u00e9t\\u00e9"',
    '{"a":1,"a":2}', "null", "true", "12", " 7 ", "1_000", "١٢", "3.5", '"42"', "-0", "NaN", '[["a"]]',
    '["{\\"type\\":\\"function\\",\\"name\\":\\"w\\"}"]', '"{\\"nested\\": \\"{\\\\\\"deep\\\\\\": 1}\\"}"',
    '{"model": 5}', '{"model": ""}', "gemini-cli", "chat", '"chat"', '"gemini-cli"', "gpt-4o", "openai",
]
SCALARS = [0, 1, 5, -3, 120, 0.0, 1.5, 2.0, True, False, None, [], ["a", "b"], [1, 2], {}, {"k": "v"}, {"model": "kv-model"}]


def value_for(key):
    if key in KINDS and rnd.random() < 0.75:
        v = rnd.choice(KINDS[key])
        return json.dumps(v) if rnd.random() < 0.1 else v
    if key in TOKEN_KEYS and rnd.random() < 0.7:
        return rnd.choice([0, 7, 10, 25, 100, 3, True, "12", " 8 ", "x", 1.5, '"9"', None])
    if key in MLFLOW_KEYS and rnd.random() < 0.8:
        return rnd.choice(MLFLOW_KEYS[key])
    return rnd.choice(TEXTS) if rnd.random() < 0.7 else rnd.choice(SCALARS)


def event_value():
    return rnd.choice(["Tell me a joke", "", '"What is 2+2?"', '{"a": 1}', "Ça va?", 0, 3, True, ["x", "y"], {"k": 1}, None, 1.5])


def random_events():
    names = ["gen_ai.content.prompt", "gen_ai.content.completion", "gen_ai.system.message", "gen_ai.user.message",
             "gen_ai.assistant.message", "gen_ai.choice", "exception", "gen_ai.other"]
    events = []
    for _ in range(rnd.choice([0, 0, 1, 2, 3, 4])):
        name = rnd.choice(names)
        keys = {"gen_ai.content.prompt": ["gen_ai.prompt"], "gen_ai.content.completion": ["gen_ai.completion"]}.get(name, ["content", "role"])
        attrs = [[k, event_value()] for k in keys if rnd.random() < 0.85]
        if name == "gen_ai.choice" and rnd.random() < 0.5:
            attrs.append(["role", rnd.choice(["assistant", "tool", '"model"', None])])
        events.append({"n": name, "a": attrs})
    return events


def realistic():
    cases = []
    add = lambda a, e=(): cases.append({"a": [list(p) for p in a], "e": list(e)})
    # OpenInference (LangChain / LlamaIndex instrumentors)
    add([("openinference.span.kind", "LLM"), ("input.value", '{"messages": [{"role": "user", "content": "What is MLflow?"}]}'),
         ("input.mime_type", "application/json"), ("output.value", '{"choices": [{"message": {"role": "assistant", "content": "A platform."}}]}'),
         ("llm.model_name", "gpt-4o-mini"), ("llm.provider", "openai"), ("llm.token_count.prompt", 12),
         ("llm.token_count.completion", 34), ("llm.token_count.total", 46)])
    add([("openinference.span.kind", "CHAIN"), ("input.value", "What is MLflow?"), ("output.value", "A platform.")])
    add([("openinference.span.kind", "TOOL"), ("tool.name", "weather"), ("input.value", '{"city": "Paris"}'), ("output.value", "sunny")])
    add([("mlflow.spanType", "UNKNOWN"), ("openinference.span.kind", "RETRIEVER"), ("input.value", "q")])
    # GenAI semantic conventions
    add([("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
         ("gen_ai.response.model", "gpt-4o-2024-08-06"), ("gen_ai.usage.input_tokens", 100), ("gen_ai.usage.output_tokens", 20),
         ("gen_ai.usage.cache_read.input_tokens", 80), ("gen_ai.usage.cache_creation.input_tokens", 5),
         ("gen_ai.input.messages", '[{"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}]'),
         ("gen_ai.output.messages", '[{"role": "assistant", "parts": [{"type": "text", "content": "Sunny."}], "finish_reason": "stop"}]'),
         ("gen_ai.tool.definitions", '[{"type": "function", "name": "get_weather"}]')])
    add([("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "get_weather"), ("gen_ai.tool.call.arguments", '{"city": "Paris"}'),
         ("gen_ai.tool.call.result", '{"temperature": 21}')])
    add([("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "planner"), ("gen_ai.system", "anthropic")])
    # Gemini CLI
    add([("gen_ai.agent.name", "gemini-cli"), ("gen_ai.operation.name", "llm_call"), ("gen_ai.request.model", "gemini-2.5-pro"),
         ("gen_ai.input.messages", '[{"role": "user", "parts": [{"text": "hi"}]}]'),
         ("gen_ai.output.messages", '[{"role": "model", "parts": [{"text": "Hel"}]}, {"role": "model", "parts": [{"text": "lo"}]}]'),
         ("gen_ai.usage.input_tokens", 10), ("gen_ai.usage.output_tokens", 2)])
    add([("gen_ai.agent.name", "gemini-cli"), ("gen_ai.operation.name", "system_prompt"), ("gen_ai.input.messages", "You are Gemini.")])
    # Spring AI
    add([("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o"),
         ("gen_ai.usage.input_tokens", 10), ("gen_ai.usage.output_tokens", 5)],
        [{"n": "gen_ai.content.prompt", "a": [["gen_ai.prompt", "Tell me a joke"]]},
         {"n": "gen_ai.content.completion", "a": [["gen_ai.completion", "Why did the chicken cross the road?"]]}])
    # Traceloop / OpenLLMetry
    add([("traceloop.span.kind", "workflow"), ("traceloop.entity.name", "joke"),
         ("traceloop.entity.input", '{"inputs": {"topic": "bears"}, "tags": [], "metadata": {}, "kwargs": {}}'),
         ("traceloop.entity.output", '{"outputs": "A bear walks into a bar", "kwargs": {}}')])
    add([("llm.request.type", "chat"), ("gen_ai.system", "OpenAI"), ("gen_ai.request.model", "gpt-4o"),
         ("gen_ai.response.model", "gpt-4o-2024-08-06"), ("gen_ai.prompt.0.role", "user"), ("gen_ai.prompt.0.content", "Tell me a joke"),
         ("gen_ai.completion.0.role", "assistant"), ("gen_ai.completion.0.content", "Why did..."),
         ("gen_ai.usage.prompt_tokens", 9), ("gen_ai.usage.completion_tokens", 12), ("llm.usage.total_tokens", 21)])
    # Google ADK
    add([("gen_ai.system", "gcp.vertex.agent"), ("gen_ai.request.model", "gemini-2.0-flash"),
         ("gcp.vertex.agent.llm_request", '{"model": "gemini-2.0-flash", "contents": [{"role": "user", "parts": [{"text": "hi"}]}]}'),
         ("gcp.vertex.agent.llm_response", '{"content": {"role": "model", "parts": [{"text": "hello"}]}}')])
    add([("gen_ai.operation.name", "execute_tool"), ("gcp.vertex.agent.tool_call_args", '{"city": "Paris"}'),
         ("gcp.vertex.agent.tool_response", '{"temp": 21}')])
    # Vercel AI SDK
    add([("ai.operationId", "ai.generateText.doGenerate"), ("operation.name", "ai.generateText.doGenerate"),
         ("ai.prompt.messages", '[{"role":"user","content":[{"type":"text","text":"What is the weather in SF?"}]}]'),
         ("ai.prompt.tools", ['{"type":"function","name":"weather","description":"Get the weather","inputSchema":{"type":"object"}}']),
         ("ai.prompt.toolChoice", '{"type":"auto"}'),
         ("ai.response.toolCalls", '[{"toolCallId":"call_1","toolName":"weather","input":"{\\"location\\":\\"San Francisco\\"}"}]'),
         ("ai.response.finishReason", "tool-calls"), ("ai.model.id", "gpt-4o"), ("gen_ai.request.model", "gpt-4o"),
         ("gen_ai.system", "openai.chat"), ("gen_ai.usage.input_tokens", 50), ("gen_ai.usage.output_tokens", 14)])
    add([("ai.operationId", "ai.generateText"), ("ai.prompt", '{"prompt":"Why is the sky blue?"}'),
         ("ai.response.text", "Because of Rayleigh scattering."), ("ai.usage.promptTokens", 7)])
    add([("ai.operationId", "ai.toolCall"), ("ai.toolCall.args", '{"location":"San Francisco"}'), ("ai.toolCall.result", '{"temperature":76}')])
    add([("ai.operationId", "ai.streamText.doStream"), ("mlflow.message.format", "openai")])
    # VoltAgent
    add([("entity.type", "agent"), ("span.type", "llm"), ("llm.messages", '[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]'),
         ("output", "Hello!"), ("usage.prompt_tokens", 20), ("usage.completion_tokens", 3), ("voltagent.operation_id", "op-1")])
    add([("entity.type", "agent"), ("agent.messages", '[{"role": "user", "content": "Hi"}]'), ("output", "Hey"),
         ("llm.usage.prompt_tokens", 5), ("llm.usage.completion_tokens", 1), ("llm.usage.total_tokens", 6)])
    # LiveKit
    add([("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.usage.input_tokens", 50),
         ("gen_ai.usage.output_tokens", 100), ("lk.agent_name", "voice_assistant")],
        [{"n": "gen_ai.system.message", "a": [["content", "You are helpful."]]}, {"n": "gen_ai.user.message", "a": [["content", "Hello!"]]},
         {"n": "gen_ai.choice", "a": [["content", "Hi there!"]]}])
    add([("lk.user_transcript", "What's the time?"), ("lk.transcript_confidence", 0.93)])
    add([("lk.function_tool.name", "lookup"), ("lk.function_tool.arguments", '{"q": 1}'), ("lk.response.function_calls", '[{"name": "lookup"}]')])
    add([("lk.retry_count", 0), ("lk.chat_ctx", '{"items": []}'), ("lk.response.text", "Ça va?")],
        [{"n": "gen_ai.user.message", "a": [["content", '"What is 2+2?"']]}])
    # Laminar
    add([("lmnr.span.type", "LLM"), ("lmnr.span.input", '[{"role": "user", "content": "hi"}]'), ("lmnr.span.output", '"hello"'),
         ("gen_ai.usage.input_tokens", 4), ("gen_ai.usage.output_tokens", 2), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.system", "openai")])
    add([("lmnr.span.type", "EXECUTOR"), ("lmnr.span.input", '{"task": "plan"}')])
    # Langfuse
    add([("langfuse.observation.type", "generation"), ("langfuse.observation.input", '{"messages": []}'),
         ("langfuse.observation.output", "done"), ("langfuse.observation.model.name", "gpt-4o")])
    add([("langfuse.observation.type", "span"), ("langfuse.observation.input", "x")])
    # Precedence
    add([("mlflow.spanType", "CHAIN"), ("openinference.span.kind", "LLM"), ("mlflow.spanInputs", '{"q": 1}'), ("input.value", "other"),
         ("mlflow.chat.tokenUsage", '{"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}'), ("llm.token_count.prompt", 100),
         ("mlflow.llm.model", "kept"), ("llm.model_name", "ignored")])
    add([("openinference.span.kind", "UNKNOWN"), ("gen_ai.operation.name", "chat")])
    add([("openinference.span.kind", ["LLM"])])
    add([("gen_ai.operation.name", {"a": 1})])
    add([("span.type", [])])
    add([("ai.operationId", "ai.generateText.doGenerate"), ("ai.prompt.tools", 5)])
    # Only events
    add([("mlflow.spanType", "LLM")], [{"n": "gen_ai.content.prompt", "a": [["gen_ai.prompt", ["a", "b"]]]},
                                       {"n": "gen_ai.content.completion", "a": [["gen_ai.completion", {"model": "from-event"}]]}])
    add([], [{"n": "gen_ai.user.message", "a": [["content", "x"]]}, {"n": "gen_ai.content.prompt", "a": [["gen_ai.prompt", "y"]]}])
    return cases


def randomized(n):
    pool = list(KINDS) + TOKEN_KEYS + VALUE_KEYS + MODEL_KEYS + FLAG_KEYS + list(MLFLOW_KEYS) + ["custom.attr", "session.id"]
    cases = []
    for _ in range(n):
        keys = rnd.sample(pool, rnd.choice([1, 2, 3, 4, 6, 8, 12]))
        cases.append({"a": [[k, value_for(k)] for k in keys], "e": random_events()})
    return cases


def focused(n):
    """Mixes within one concern, so that each rule meets many values: kinds, token counts, Vercel chat spans, Gemini CLI."""
    cases = []
    vercel_keys = ["ai.prompt.messages", "ai.prompt.tools", "ai.prompt.toolChoice", "ai.prompt.format", "ai.response.text",
                   "ai.response.toolCalls", "ai.response.finishReason", "ai.prompt", "ai.response.object", "mlflow.message.format"]
    for i in range(n):
        family = i % 4
        if family == 0:
            keys = rnd.sample(list(KINDS) + ["mlflow.spanType", "gen_ai.request.model", "lk.retry_count", "lk.tts.label"], rnd.choice([1, 2, 3]))
        elif family == 1:
            keys = rnd.sample(TOKEN_KEYS, rnd.choice([1, 2, 3, 4]))
        elif family == 2:
            keys = ["ai.operationId"] + rnd.sample(vercel_keys, rnd.choice([0, 1, 2, 3, 4]))
        else:
            keys = ["gen_ai.agent.name", "gen_ai.operation.name"] + rnd.sample(["gen_ai.input.messages", "gen_ai.output.messages",
                    "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.request.model"], rnd.choice([1, 2, 3]))
        attrs = []
        for k in keys:
            v = value_for(k)
            if family == 2 and k == "ai.operationId" and rnd.random() < 0.7:
                v = rnd.choice(["ai.generateText.doGenerate", "ai.streamText.doStream", json.dumps("ai.streamText.doStream")])
            if family == 2 and k == "ai.prompt.tools" and rnd.random() < 0.6:
                v = rnd.choice([['{"type":"function","name":"a"}', '"b"'], ["x"], "ab", '{"k": 1}', [], 3])
            if family == 3 and k == "gen_ai.agent.name" and rnd.random() < 0.8:
                v = "gemini-cli"
            attrs.append([k, v])
        cases.append({"a": attrs, "e": []})
    return cases


if __name__ == "__main__":
    json.dump(realistic() + randomized(2000) + focused(1200), __import__("sys").stdout, ensure_ascii=False)
