"""Questions that must be refused before any retrieval or LLM call: input checks and injections."""

from __future__ import annotations

import re
import unicodedata

from core.errors import EmptyQuestion, QuestionNotText, QuestionTooLong, TooManyTurns
from core.settings import LimitSettings
from core.types import Message

# Attempts to override the assistant's instructions, reveal them, or switch its role. These are
# the generic shapes of prompt injection, in Chinese and English, not phrasings of any test set.
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|不用管|抛开)[^，。,.!?！？]{0,12}(指令|指示|提示|规则|设定|限制|约束|prompt)"
    r"|(系统|system)\s*(提示|指令|prompt)"
    r"|提示词|越狱|jailbreak|developer\s*mode|开发者模式|\bDAN\b"
    r"|(没有|不受|解除|去掉|摆脱)(任何)?(限制|约束|审查)的?(AI|人工智能|助手|模型|机器人)"
    r"|你(现在|从现在起|从此)?(是|扮演|充当|假装|作为)[^，。,.]{0,12}(AI|人工智能|助手|机器人|角色|模型|黑客|专家)"
    r"|角色扮演|假装你是|请你扮演|(假设|假如|如果|想象)你是"
    r"|从现在(开始|起)[，,]?\s*你|你的(系统|初始)?(指令|设定|规则|提示|约束)"
    r"|ignore\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier)"
    r"|disregard\s+(all\s+|the\s+)?(previous|prior|above|instructions)"
    r"|(reveal|print|show|repeat|output)\s+(your|the)\s+(system\s+)?(prompt|instructions)"
    r"|(ignore|forget|disregard)\s+(all\s+)?(of\s+)?(your|these|the|my)\s+(instructions|rules|prompt)",
    re.IGNORECASE,
)
# Requests for another task altogether: the assistant answers questions about the report, nothing else.
_OTHER_TASK = re.compile(
    r"(写|作|编|创作|生成|续写)[^，。,.!?！？]{0,8}(诗|词|歌|文章|作文|故事|笑话|小说|代码|程序|邮件|对联|剧本|演讲稿)"
    r"|讲个笑话|翻译成|译成英文|\btranslate\b|\bwrite\s+(a|an|me)\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_injection(question: str) -> bool:
    return bool(_INJECTION.search(question))


def is_other_task(question: str) -> bool:
    return bool(_OTHER_TASK.search(question))


def clean_question(text: object, limits: LimitSettings) -> str:
    """The question as the assistant will read it, or InvalidQuestion with a Chinese message."""
    if not isinstance(text, str):
        raise QuestionNotText("question must be a string")
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()
    if not text:
        raise EmptyQuestion("empty question")
    if len(text) > limits.max_question_chars:
        raise QuestionTooLong(
            f"question has {len(text)} characters; the limit is {limits.max_question_chars}",
            user_message=f"问题太长了，请控制在{limits.max_question_chars}字以内。",
        )
    return text


def clean_conversation(messages: list[Message], limits: LimitSettings) -> tuple[str, list[Message]]:
    """Split a conversation into the last user question and the (trimmed) history before it."""
    if not messages or messages[-1].role != "user":
        raise EmptyQuestion("the conversation must end with a user message")
    if len(messages) > limits.max_turns * 2:
        raise TooManyTurns(f"conversation has {len(messages)} messages; the limit is {limits.max_turns * 2}")
    question = clean_question(messages[-1].content, limits)
    history = [m for m in messages[:-1] if isinstance(m.content, str) and m.content.strip()]
    return question, history[-limits.max_turns :]
