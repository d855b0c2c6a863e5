"""CONFIDENCE.md's worked examples and acceptance cases, written as .plx and run through the scheduler."""

from __future__ import annotations

import pytest
from runtime_helpers import Scripted, answer, run_text


def test_sensor_fusion_is_22_65_at_0_7_in_the_medium_band() -> None:
    source = """
    pattern SensorFusion {
      let s1 = 22.5 with confidence 0.9
      let s2 = 22.8 with confidence 0.7
      let backup = 22.0 with confidence 0.5
      let avg_temp = (s1 + s2) / 2
      let final = coalesce(avg_temp, backup)
      uncertain final {
        high   => output { action: "activate_hvac", temp: final }
        medium => output { action: "log_temperature_reading", temp: final, band: band(final) }
        low    => output { action: "manual_check", temp: final }
      }
    }
    """
    result = run_text(source)
    assert result.error is None
    assert result.value == {"action": "log_temperature_reading", "temp": 22.65, "band": "medium"}
    assert result.confidence == 0.7
    branch = next(e for e in result.trace if e["kind"] == "branch")
    assert branch["band"] == "medium" and branch["label"] == "medium"


def test_combined_and_scaled_sensor_readings_keep_the_minimum() -> None:
    source = """
    pattern Sensors {
      let sensor1 = 23.1 with confidence 0.8
      let sensor2 = 22.9 with confidence 0.7
      let combined = sensor1 + sensor2
      let scaled = combined * 1.5
      output { combined: combined, scaled: scaled, c: confidence(scaled) }
    }
    """
    result = run_text(source)
    assert result.value["combined"] == pytest.approx(46.0)
    assert result.value["scaled"] == pytest.approx(69.0)
    assert result.value["c"] == 0.7
    assert result.confidence == 0.7  # propagated: the map's minimum


def test_extract_confidence() -> None:
    result = run_text("pattern T { let temperature = 22.5 with confidence 0.9  output confidence(temperature) }")
    assert (result.value, result.confidence) == (0.9, 1.0)


def test_coalesce_chain_of_models() -> None:
    source = """
    pattern Best {
      let gpt = "gpt-answer" with confidence 0.3
      let claude = "claude-answer" with confidence 0.6
      let gemini = "gemini-answer" with confidence 0.9
      output coalesce(gpt, claude, gemini, "unknown")
    }
    """
    assert (run_text(source).value, run_text(source).confidence) == ("claude-answer", 0.6)
    low = 'pattern L { output coalesce("a" with confidence 0.1, "b" with confidence 0.2, "unknown") }'
    assert (run_text(low).value, run_text(low).confidence) == ("unknown", 1.0)


def test_parallel_select_best_model() -> None:
    source = """
    pattern Select {
      output best("m1" with confidence 0.7, "m2" with confidence 0.95, "m3" with confidence 0.8)
    }
    """
    result = run_text(source)
    assert (result.value, result.confidence) == ("m2", 0.95)


@pytest.mark.parametrize(("c", "decision"), [(0.92, "auto_approve"), (0.4, "manual_review")])
def test_threshold_gate_decision(c: float, decision: str) -> None:
    source = f"""
    pattern Gate {{
      let weather_analysis = "sunny" with confidence {c}
      output coalesce(gate(weather_analysis, 0.9, "auto_approve"), "manual_review")
    }}
    """
    assert run_text(source).value == decision


@pytest.mark.parametrize(
    ("c", "route"),
    [(0.9, "production"), (0.8, "production"), (0.65, "staging"), (0.2, "human_review")],
)
def test_uncertain_routes_inclusive_bands(c: float, route: str) -> None:
    source = f"""
    pattern Deploy {{
      let analysis = "ok" with confidence {c}
      uncertain analysis {{
        high => output "production"
        medium => output "staging"
        low => output "human_review"
      }}
    }}
    """
    result = run_text(source)
    assert result.value == route
    # Confidence propagates through data, not control: a literal output in an arm is certain unless it says
    # `with confidence …` (as examples/uncertainty_router.plx does).
    assert result.confidence == 1.0


def test_custom_bands_send_0_6_to_high() -> None:
    source = """
    pattern Custom {
      let x = 1 with confidence 0.6
      uncertain x bands(high: 0.6, medium: 0.3) { high => output "high"  else => output "other" }
    }
    """
    assert run_text(source).value == "high"


def test_simple_consensus_from_two_agents() -> None:
    source = """
    pattern SimpleConsensusLike {
      input { task: string }
      agents pool { capabilities ["analysis"] min 2 }
      fanout results = pool.analyze(task: input.task)
      let avg = average_confidence(results)
      output {
        status: if avg > 0.7 then "consensus_reached" else "low_consensus"
        agentCount: len(results)
      } with confidence avg
    }
    """
    agents = [Scripted("a1", answers=[answer("yes", 0.9)]), Scripted("a2", answers=[answer("yes", 0.8)])]
    result = run_text(source, {"task": "t"}, agents)
    assert result.value == {"status": "consensus_reached", "agentCount": 2}
    assert result.confidence == pytest.approx(0.85)
    agents = [Scripted("a1", answers=[answer("yes", 0.5)]), Scripted("a2", answers=[answer("no", 0.6)])]
    assert run_text(source, {"task": "t"}, agents).value["status"] == "low_consensus"


def test_content_moderation_and_then_best() -> None:
    source = """
    pattern Moderation {
      let spam = true with confidence 0.9
      let toxicity = true with confidence 0.7
      let sentiment = "positive" with confidence 0.75
      let safety = spam and toxicity
      output best(safety, sentiment)
    }
    """
    result = run_text(source)
    assert (result.value, result.confidence) == ("positive", 0.75)
