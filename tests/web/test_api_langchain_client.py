"""LangChain's ``ChatOpenAI``, unchanged, against /v1 of a real server that requires a key."""

from __future__ import annotations

import pytest
from web_support import API_KEY

pytestmark = pytest.mark.slow

GDP = "2023年前三季度松原市GDP增长了多少？"


@pytest.fixture()
def chat(keyed_url: str):  # type: ignore[no-untyped-def]
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=f"{keyed_url}/v1",
        api_key=API_KEY,  # type: ignore[arg-type]
        model="report-assistant",
        temperature=0.3,
        max_retries=0,
        timeout=60,
        stream_usage=True,
    )


def test_invoke_answers_with_usage(chat) -> None:  # type: ignore[no-untyped-def]
    from langchain_core.messages import HumanMessage, SystemMessage

    reply = chat.invoke([SystemMessage("Answer briefly."), HumanMessage(GDP)])
    assert "5.8%" in reply.content
    assert reply.usage_metadata["output_tokens"] > 0 and reply.usage_metadata["input_tokens"] > 0
    assert reply.response_metadata["model_name"] == "report-assistant"


def test_stream_adds_up_to_the_answer_with_usage(chat) -> None:  # type: ignore[no-untyped-def]
    chunks = list(chat.stream(GDP))
    assert "5.8%" in "".join(str(c.content) for c in chunks)
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert usage and usage[-1]["total_tokens"] == usage[-1]["input_tokens"] + usage[-1]["output_tokens"]


def test_a_wrong_key_fails_with_the_sdk_error(keyed_url: str) -> None:
    import openai
    from langchain_openai import ChatOpenAI

    wrong = ChatOpenAI(base_url=f"{keyed_url}/v1", api_key="not-the-key-not-the-key", max_retries=0)  # type: ignore[arg-type]
    with pytest.raises(openai.AuthenticationError):
        wrong.invoke(GDP)
