#!/usr/bin/python3
"""Reference renderings of the chat-template corpus, made as Hugging Face transformers makes them.

Run with Debian's python3 and python3-jinja2 (3.1.x):
    /usr/bin/python3 engine/src/test/python/render_chat_templates.py
For each folder under engine/src/test/resources/chat-templates/ it writes expected.json: every
conversation shape LoRA Lab builds, rendered (or "refused") exactly as
transformers.utils.chat_template_utils renders: _compile_jinja_template builds an
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker,
loopcontrols]) with its own tojson filter and the globals raise_exception / strftime_now, and
render_jinja_template calls template.render(messages=..., tools=None, documents=None,
add_generation_prompt=..., **special_tokens_map, **kwargs). strftime_now reads a FIXED clock here
(FIXED_NOW) so that the references are reproducible; the Java test injects the same instant.

Which template a model folder uses follows transformers' loading rule: chat_template.jinja beside
tokenizer_config.json replaces the config's "chat_template"; a list of named templates becomes a
dict, of which "default" is used.
"""
import json
import os
import sys
from datetime import datetime

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXED_NOW = datetime(2026, 1, 5, 9, 7, 3)  # keep in sync with ChatTemplateCorpusTest.FIXED_NOW
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "chat-templates")
SPECIAL_TOKEN_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
                      "additional_special_tokens"]


class AssistantTracker(Extension):
    """transformers' {% generation %} block: renders its body unchanged (it only records offsets)."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    @jinja2.pass_eval_context
    def _generation_support(self, context, caller):
        return caller()


def compile_template(source):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return FIXED_NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def token_text(value):
    if isinstance(value, dict):  # an AddedToken written out as {"content": ...}
        return value["content"]
    if isinstance(value, list):
        return [token_text(v) for v in value]
    return value


def load_family(folder):
    with open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    template = cfg.get("chat_template")
    template_file = "tokenizer_config.json"
    jinja_file = os.path.join(folder, "chat_template.jinja")
    if os.path.isfile(jinja_file):
        with open(jinja_file, encoding="utf-8") as f:
            template = f.read()
        template_file = "chat_template.jinja"
    if isinstance(template, list):
        template = {t["name"]: t["template"] for t in template}
    if isinstance(template, dict):
        template = template["default"]
    special = {k: token_text(cfg[k]) for k in SPECIAL_TOKEN_KEYS if cfg.get(k) is not None}
    return template, template_file, special


SYSTEM = {"role": "system", "content": "You are a concise assistant."}
USER = {"role": "user", "content": "What is the capital of France?"}
ASSISTANT = {"role": "assistant", "content": "Paris."}
USER2 = {"role": "user", "content": "And of Italy?\nAnswer in one word."}
USER_PADDED = {"role": "user", "content": "\u3000 \u00a0Summarize:\n\nThe text.\u00a0 \u3000\n"}
USER_INTL = {"role": "user", "content": "日本語で答えて: café, naïve, Zürich 😀🚀 𝔘"}
ASSISTANT_INTL = {"role": "assistant", "content": "はい、わかりました 👍 — «très bien»"}
# A tool schema, for the templates that print tools with tojson (not a shape the engine builds, but it is
# where transformers' own tojson -- no HTML escaping, ensure_ascii=False, indent -- shows).
TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather <now> & \"later\" — 天気 😀",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name, e.g. Zürich"},
        "days": {"type": "integer", "description": "How many days", "default": 1},
        "units": {"type": "string", "enum": ["metric", "imperial"]},
        "ratio": {"type": "number", "default": 0.5}},
        "required": ["city"]}}}
TOOL_FAMILIES = ("command-r-plus", "llama-3.1", "llama-3.2", "mistral-nemo", "mistral-v0.3", "qwen2.5", "qwen3",
                 "granite-3.0", "granite-3.3", "gpt-oss", "qwen3-2507-instruct", "qwen3-2507-thinking")


def cases(family):
    shapes = [
        ("system_user", [SYSTEM, USER]),
        ("user", [USER]),
        ("multi_turn", [USER, ASSISTANT, USER2]),
        ("system_multi_turn", [SYSTEM, USER, ASSISTANT, USER2]),
        ("user_whitespace", [USER_PADDED]),
        ("non_ascii", [SYSTEM, USER_INTL]),
    ]
    out = []
    for name, messages in shapes:
        for gen in (True, False):
            out.append({"name": name + ("_gen" if gen else "_nogen"), "messages": messages,
                        "add_generation_prompt": gen, "kwargs": {}})
    # Training: prompt + completion rendered as one text, without a generation prompt.
    out.append({"name": "train_user_assistant", "messages": [USER, ASSISTANT], "add_generation_prompt": False,
                "kwargs": {}})
    out.append({"name": "train_system_user_assistant", "messages": [SYSTEM, USER, ASSISTANT],
                "add_generation_prompt": False, "kwargs": {}})
    out.append({"name": "train_non_ascii", "messages": [USER_INTL, ASSISTANT_INTL], "add_generation_prompt": False,
                "kwargs": {}})
    if family in TOOL_FAMILIES:
        out.append({"name": "tools_system_user_gen", "messages": [SYSTEM, USER], "add_generation_prompt": True,
                    "kwargs": {"tools": [TOOL]}})
        out.append({"name": "tools_user_gen", "messages": [USER], "add_generation_prompt": True,
                    "kwargs": {"tools": [TOOL]}})
    if family in ("qwen3", "smollm3"):
        for gen in (True, False):
            out.append({"name": "no_thinking_" + ("gen" if gen else "nogen"), "messages": [SYSTEM, USER],
                        "add_generation_prompt": gen, "kwargs": {"enable_thinking": False}})
        out.append({"name": "no_thinking_train", "messages": [USER, ASSISTANT], "add_generation_prompt": False,
                    "kwargs": {"enable_thinking": False}})
    return out


def main():
    families = sorted(d for d in os.listdir(CORPUS) if os.path.isdir(os.path.join(CORPUS, d)))
    for family in families:
        folder = os.path.join(CORPUS, family)
        template, template_file, special = load_family(folder)
        compiled = compile_template(template)
        results = []
        for case in cases(family):
            kwargs = dict(case["kwargs"])
            tools = kwargs.pop("tools", None)
            try:
                rendered = compiled.render(messages=case["messages"], tools=tools, documents=None,
                                           add_generation_prompt=case["add_generation_prompt"],
                                           **{**special, **kwargs})
                case = {**case, "expected": rendered}
            except jinja2.exceptions.TemplateError as e:
                case = {**case, "refused": str(e)}
            results.append(case)
        with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
            json.dump({"family": family, "template_file": template_file, "jinja2": jinja2.__version__,
                       "fixed_now": FIXED_NOW.isoformat(), "cases": results}, f, ensure_ascii=False, indent=1)
            f.write("\n")
        refused = sum(1 for c in results if "refused" in c)
        print(f"{family}: {len(results)} cases, {refused} refused ({template_file})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
