"""Agents: one protocol (`Agent`) and its adapters — local Python callables, HTTP endpoints (OpenAI-compatible
chat completions or plain JSON) and replay cassettes — plus loading them for `plxc run --agents/--replay`."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final, Protocol, TypedDict, runtime_checkable

from parallax_dsl.confidence import UNDEFINED, parse_confidence_marker
from parallax_dsl.runtime.errors import AGENTS_ERROR, CASSETTE_EXHAUSTED, PlxRuntimeError
from parallax_dsl.runtime.http import post_json

DEFAULT_EXPERTISE: Final = 0.7
DEFAULT_HISTORICAL_CONFIDENCE: Final = 0.75
ENTRY_POINT_GROUP: Final = "parallax_dsl.agents"


class Task(TypedDict, total=False):
    """What an agent receives: the step's action, its evaluated arguments and `task` (= args["task"] if given)."""

    action: str
    args: dict[str, Any]
    task: str
    step: str
    pattern: str


class Answer(TypedDict, total=False):
    """What an agent returns: `value` (or `result`) and `confidence` are required; `reasoning` and `error` optional."""

    value: Any
    result: Any
    confidence: float
    reasoning: str
    error: str
    timestamp: float


@runtime_checkable
class Agent(Protocol):
    """The one agent protocol: identity, capabilities, priors, and an async call."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def capabilities(self) -> Sequence[str]: ...
    @property
    def expertise(self) -> float: ...
    @property
    def historicalConfidence(self) -> float: ...

    async def __call__(self, task: Task) -> Answer: ...


class BaseAgent:
    """Identity and priors shared by the built-in adapters."""

    def __init__(
        self,
        id: str,
        name: str | None = None,
        capabilities: Iterable[str] = (),
        expertise: float = DEFAULT_EXPERTISE,
        historical_confidence: float = DEFAULT_HISTORICAL_CONFIDENCE,
    ) -> None:
        self.id = id
        self.name = name or id
        self.capabilities: tuple[str, ...] = tuple(capabilities)
        self.expertise = float(expertise)
        self.historicalConfidence = float(historical_confidence)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, capabilities={list(self.capabilities)!r})"

    async def __call__(self, task: Task) -> Answer:  # pragma: no cover - overridden
        raise NotImplementedError


def agent_info(a: Agent) -> dict[str, Any]:
    """The `agent` map a result record exposes: id, name, capabilities, expertise, historicalConfidence."""
    return {
        "id": a.id,
        "name": a.name,
        "capabilities": list(a.capabilities),
        "expertise": a.expertise,
        "historicalConfidence": a.historicalConfidence,
    }


# ------------------------------------------------------------------------------------------------ local Python


class FunctionAgent(BaseAgent):
    """A Python callable as an agent: `fn(task)` returning an Answer; sync callables run in a worker thread."""

    def __init__(self, fn: Callable[[Task], Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fn = fn
        self.is_async = inspect.iscoroutinefunction(fn)  # the scheduler awaits `fn` directly when True
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn

    async def __call__(self, task: Task) -> Answer:
        if self.is_async:
            result = await self.fn(task)
        else:
            result = await asyncio.to_thread(self.fn, task)
            if inspect.isawaitable(result):
                result = await result
        return result  # type: ignore[no-any-return]


def agent(
    fn: Callable[[Task], Any] | None = None,
    *,
    capabilities: Iterable[str] = (),
    expertise: float = DEFAULT_EXPERTISE,
    historical_confidence: float = DEFAULT_HISTORICAL_CONFIDENCE,
    historicalConfidence: float | None = None,
    name: str | None = None,
    id: str | None = None,
) -> Any:
    """Decorator registering a function (sync or async, `fn(task) -> {value, confidence, reasoning?}`) as an agent.

    >>> @agent(capabilities=["analysis"], expertise=0.9)
    ... def analyst(task):
    ...     return {"value": "ok", "confidence": 0.8}
    >>> analyst.id, analyst.capabilities
    ('analyst', ('analysis',))
    """

    def wrap(f: Callable[[Task], Any]) -> FunctionAgent:
        agent_id = id or getattr(f, "__name__", "agent")
        return FunctionAgent(
            f,
            id=agent_id,
            name=name or agent_id,
            capabilities=capabilities,
            expertise=expertise,
            historical_confidence=historicalConfidence if historicalConfidence is not None else historical_confidence,
        )

    return wrap(fn) if fn is not None else wrap


# ------------------------------------------------------------------------------------------------ HTTP

_SYSTEM_PROMPT: Final = (
    "You are {name}, one of several agents coordinated by a Parallax pattern. Answer the task. "
    "End your answer with a line `CONFIDENCE: <number between 0.0 and 1.0>` saying how sure you are."
)


def task_text(task: Task) -> str:
    """The task as one prompt: action, the `task` text and the other arguments as JSON."""
    lines = [f"Action: {task.get('action', '')}"]
    if task.get("task"):
        lines += ["", str(task["task"])]
    args = {k: v for k, v in (task.get("args") or {}).items() if k != "task"}
    if args:
        lines += ["", "Arguments:", json.dumps(args, indent=2, ensure_ascii=False, default=str)]
    return "\n".join(lines)


def _strip_marker(text: str) -> str:
    kept = [line for line in text.strip().splitlines() if not line.strip().lower().startswith("confidence:")]
    return "\n".join(kept).strip()


class HttpAgent(BaseAgent):
    """An agent behind HTTP: `kind="openai"` POSTs chat completions to `{url}/chat/completions`; `kind="json"`
    POSTs the task JSON to `url` and expects `{value|result, confidence, reasoning?}`."""

    def __init__(
        self,
        *,
        url: str,
        kind: str = "json",
        model: str | None = None,
        api_key_env: str | None = None,
        headers: dict[str, str] | None = None,
        system_prompt: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if kind not in ("openai", "json"):
            raise PlxRuntimeError(AGENTS_ERROR, f"agent `{self.id}`: kind must be `openai` or `json`, not {kind!r}")
        self.url = url
        self.kind = kind
        self.model = model
        self.api_key_env = api_key_env
        self.headers = dict(headers or {})
        self.system_prompt = system_prompt

    def _headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.api_key_env:
            key = os.environ.get(self.api_key_env, "")
            if key:
                headers["Authorization"] = f"Bearer {key}"
        return headers

    async def __call__(self, task: Task) -> Answer:
        if self.kind == "json":
            reply = await post_json(self.url, dict(task), self._headers())
            if not isinstance(reply, dict):
                raise ValueError("the JSON endpoint did not answer with an object")
            return reply  # type: ignore[return-value]
        prompt = (self.system_prompt or _SYSTEM_PROMPT).format(name=self.name)
        payload = {
            "model": self.model or "default",
            "messages": [{"role": "system", "content": prompt}, {"role": "user", "content": task_text(task)}],
        }
        reply = await post_json(self.url.rstrip("/") + "/chat/completions", payload, self._headers())
        return openai_answer(reply)


def openai_answer(reply: Any) -> Answer:
    """An Answer from a chat-completions reply: text of the first choice; confidence from a JSON `confidence`
    field of the body, else the last `CONFIDENCE:` marker in the text, else 0 (no signal)."""
    try:
        text = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ValueError("not a chat-completions reply (no choices[0].message.content)") from None
    text = text if isinstance(text, str) else json.dumps(text)
    body_confidence = reply.get("confidence") if isinstance(reply, dict) else None
    marker = parse_confidence_marker(text)
    reasoning = ""
    if isinstance(body_confidence, int | float) and not isinstance(body_confidence, bool):
        confidence = float(body_confidence)
    elif marker is not UNDEFINED:
        confidence = float(marker)
    else:
        confidence = 0.0
        reasoning = "no CONFIDENCE marker in the reply"
    content = _strip_marker(text)
    value: Any = content
    if content.startswith(("{", "[")):
        try:
            value = json.loads(content)
        except ValueError:
            value = content
    answer: Answer = {"value": value, "confidence": confidence, "reasoning": reasoning}
    return answer


# ------------------------------------------------------------------------------------------------ replay cassettes


class ReplayAgent(BaseAgent):
    """Replays recorded responses in order; a response marked `cancelled` never answers (it was a race loser)."""

    #: It holds state between calls (its position): a distributed backend keeps it in one place.
    stateful = True

    def __init__(self, responses: Sequence[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.responses = list(responses)
        self.position = 0

    async def __call__(self, task: Task) -> Answer:
        if self.position >= len(self.responses):
            raise PlxRuntimeError(
                CASSETTE_EXHAUSTED,
                f"the cassette has no more responses for agent `{self.id}` "
                f"(it recorded {len(self.responses)}, this is call {self.position + 1})",
            )
        response = self.responses[self.position]
        self.position += 1
        if response.get("cancelled"):
            await asyncio.Event().wait()
        return dict(response)  # type: ignore[return-value]


def _agent_kwargs(entry: dict[str, Any], where: str) -> dict[str, Any]:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
        raise PlxRuntimeError(AGENTS_ERROR, f"{where}: every agent needs a string `id`")
    caps = entry.get("capabilities", [])
    if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
        raise PlxRuntimeError(AGENTS_ERROR, f"{where}: agent `{entry['id']}` capabilities must be a list of strings")
    try:
        return {
            "id": entry["id"],
            "name": entry.get("name") or entry["id"],
            "capabilities": caps,
            "expertise": float(entry.get("expertise", DEFAULT_EXPERTISE)),
            "historical_confidence": float(entry.get("historicalConfidence", DEFAULT_HISTORICAL_CONFIDENCE)),
        }
    except (TypeError, ValueError):
        raise PlxRuntimeError(AGENTS_ERROR, f"{where}: agent `{entry['id']}` has a non-numeric prior") from None


def _read_data(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlxRuntimeError(AGENTS_ERROR, f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except ValueError as exc:
        raise PlxRuntimeError(AGENTS_ERROR, f"{path} is not valid {path.suffix[1:].upper()}: {exc}") from None


def load_cassette(path: str | Path) -> list[Agent]:
    """Replay agents from a cassette `{"agents": [{id, name, capabilities, expertise, historicalConfidence,
    responses: [...]}]}`, in the cassette's (dispatch) order."""
    path = Path(path)
    data = _read_data(path)
    if not isinstance(data, dict) or not isinstance(data.get("agents"), list):
        raise PlxRuntimeError(AGENTS_ERROR, f"{path}: a cassette is an object with an `agents` list")
    agents: list[Agent] = []
    for entry in data["agents"]:
        kwargs = _agent_kwargs(entry, str(path))
        responses = entry.get("responses", [])
        if not isinstance(responses, list) or not all(isinstance(r, dict) for r in responses):
            raise PlxRuntimeError(AGENTS_ERROR, f"{path}: agent `{entry['id']}` responses must be a list of objects")
        agents.append(ReplayAgent(responses, **kwargs))
    return agents


class Recorder:
    """Collects every agent call's outcome, per agent in call order, and writes a replay cassette."""

    def __init__(self, agents: Sequence[Agent]) -> None:
        self.agents = list(agents)
        self.responses: dict[str, list[dict[str, Any] | None]] = {a.id: [] for a in self.agents}

    def begin(self, agent: Agent) -> int:
        """Reserve the next response slot of `agent` (calls are replayed in the order they start)."""
        slots = self.responses.setdefault(agent.id, [])
        slots.append(None)
        return len(slots) - 1

    def finish(self, agent: Agent, slot: int, response: dict[str, Any]) -> None:
        self.responses[agent.id][slot] = response

    def cassette(self) -> dict[str, Any]:
        """The cassette document; calls that never finished (cancelled race losers) are `{"cancelled": true}`."""
        out = []
        for a in self.agents:
            entry = agent_info(a)
            entry["responses"] = [r if r is not None else {"cancelled": True} for r in self.responses.get(a.id, [])]
            out.append(entry)
        return {"agents": out}

    def save(self, path: str | Path) -> None:
        from parallax_dsl.runtime.values import dumps

        Path(path).write_text(dumps(self.cassette(), indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------------ loading


def coerce_agent(obj: Any, where: str = "agents") -> Agent:
    """An Agent from an agent object, a decorated function or an HTTP agent spec (a dict with `url`)."""
    if isinstance(obj, dict):
        if "url" in obj:
            kwargs = _agent_kwargs(obj, where)
            return HttpAgent(
                url=str(obj["url"]),
                kind=str(obj.get("kind", "json")),
                model=obj.get("model"),
                api_key_env=obj.get("api_key_env"),
                headers=obj.get("headers"),
                system_prompt=obj.get("system_prompt"),
                **kwargs,
            )
        raise PlxRuntimeError(AGENTS_ERROR, f"{where}: an agent given as a map needs a `url`")
    needed = ("id", "name", "capabilities")
    if callable(obj) and all(hasattr(obj, n) for n in needed):
        for attr, default in (
            ("expertise", DEFAULT_EXPERTISE),
            ("historicalConfidence", DEFAULT_HISTORICAL_CONFIDENCE),
        ):
            if not hasattr(obj, attr):
                setattr(obj, attr, default)
        return obj  # type: ignore[no-any-return]
    raise PlxRuntimeError(
        AGENTS_ERROR,
        f"{where}: {obj!r} is not an agent (decorate functions with @parallax_dsl.runtime.agent(capabilities=[…]))",
    )


def agents_from_module(module: Any) -> list[Agent]:
    """A module's `AGENTS` list, else its module-level `@agent` functions in definition order."""
    where = getattr(module, "__name__", "module")
    listed = getattr(module, "AGENTS", None)
    if listed is not None:
        if not isinstance(listed, list | tuple):
            raise PlxRuntimeError(AGENTS_ERROR, f"{where}.AGENTS must be a list")
        return [coerce_agent(item, f"{where}.AGENTS") for item in listed]
    found: list[Agent] = []
    seen: set[int] = set()
    for value in vars(module).values():
        if isinstance(value, BaseAgent) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    return found


def _import_file(path: Path) -> Any:
    name = "plx_agents_" + "".join(ch if ch.isalnum() else "_" for ch in path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PlxRuntimeError(AGENTS_ERROR, f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise PlxRuntimeError(AGENTS_ERROR, f"importing {path} failed: {type(exc).__name__}: {exc}") from None
    return module


def load_agents_file(path: str | Path) -> list[Agent]:
    """HTTP agents from a JSON/YAML file: a list (or `{"agents": [...]}`) of {id, name, capabilities, expertise,
    url, kind: openai|json, model, api_key_env}."""
    path = Path(path)
    data = _read_data(path)
    if isinstance(data, dict):
        data = data.get("agents")
    if not isinstance(data, list):
        raise PlxRuntimeError(AGENTS_ERROR, f"{path}: expected a list of agents (or an object with `agents`)")
    return [coerce_agent(entry, str(path)) for entry in data]


def load_agents(spec: str) -> list[Agent]:
    """Agents from `--agents`: a `.py` file, a JSON/YAML agents file, or an importable module name."""
    path = Path(spec)
    if path.suffix.lower() in (".json", ".yaml", ".yml"):
        if not path.is_file():
            raise PlxRuntimeError(AGENTS_ERROR, f"agents file not found: {spec}")
        return load_agents_file(path)
    if path.suffix == ".py" or path.is_file():
        if not path.is_file():
            raise PlxRuntimeError(AGENTS_ERROR, f"agents file not found: {spec}")
        return agents_from_module(_import_file(path.resolve()))
    try:
        module = importlib.import_module(spec)
    except ImportError as exc:
        raise PlxRuntimeError(AGENTS_ERROR, f"cannot import agents module `{spec}`: {exc}") from None
    return agents_from_module(module)


def entry_point_agents() -> list[Agent]:
    """Agents advertised by installed packages under the `parallax_dsl.agents` entry-point group."""
    from importlib.metadata import entry_points

    found: list[Agent] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            target = ep.load()
        except Exception as exc:
            raise PlxRuntimeError(AGENTS_ERROR, f"entry point `{ep.name}` failed to load: {exc}") from None
        if inspect.ismodule(target):
            found.extend(agents_from_module(target))
        elif isinstance(target, list | tuple):
            found.extend(coerce_agent(item, ep.name) for item in target)
        else:
            found.append(coerce_agent(target, ep.name))
    return found
