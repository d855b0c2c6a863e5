"""WebsiteBuilder: the six phases by capability; the confidence is the mean of the phase confidences."""

from stdlib_harness import Agent, Case

NAME = "WebsiteBuilder"
CAPS: list[str] = []

TEAM = [
    Agent("brand", {"name": "Acme Cloud", "mission": "Fast"}, 0.9, capabilities=["branding"], name="Brand Bot"),
    Agent("designer", {"files": ["logo.svg"]}, 0.8, capabilities=["design"], name="Designer"),
    Agent("ui", {"tokens": {"primary": "#00f"}}, 0.8, capabilities=["ui", "visual"], name="UI Kit"),
    Agent("writer", {"pages": 5}, 0.8, capabilities=["writing"], name="Writer"),
    Agent("frontend", {"technology": "React"}, 0.9, capabilities=["frontend"], name="Frontend"),
    Agent("backend", {"technology": "Node"}, 0.75, capabilities=["backend", "database"], name="Backend"),
    Agent("ops", {"url": "https://acme.dev", "platform": "Vercel"}, 0.8, capabilities=["devops"], name="Ops"),
    Agent("a11y", {}, 0.75, capabilities=["accessibility"], name="A11y"),
    Agent("perf", {"scores": {"lcp": 1.2}}, 0.65, capabilities=["performance"], name="Perf"),
    Agent("qa", {}, 0.8, capabilities=["testing"], name="QA"),
]

CASES = [
    # PATTERNS.md: "website: 10 agents" → 0.8055555555555555
    Case(
        "ten agents",
        TEAM,
        0.8055555555555555,
        input={"companyType": "saas", "features": ["blog"]},
        value={
            "success": True,
            "website": {"url": "https://acme.dev", "adminPanel": None, "staging": None},
            "company": {
                "name": "Acme Cloud",
                "brand": {"name": "Acme Cloud", "mission": "Fast"},
                "assets": {"logo": ["logo.svg"], "designSystem": {"tokens": {"primary": "#00f"}}},
            },
            "content": {"pages": 1, "blogPosts": [], "totalWords": None},
            "technical": {"frontend": "React", "backend": "Node", "hosting": "Vercel", "performance": {"lcp": 1.2}},
            "timeline": {
                "total": None,
                "phases": {
                    "branding": "5 minutes",
                    "design": "10 minutes",
                    "content": "15 minutes",
                    "development": "20 minutes",
                    "deployment": "5 minutes",
                    "testing": "5 minutes",
                },
            },
            "confidence": 0.8055555555555555,
            "recommendations": ["Low confidence in Perf checks - manual verification recommended"],
        },
    ),
    Case(
        "an unsure brand keeps the default name; weak QA is reviewed",
        [
            Agent("brand", {"name": "Shaky"}, 0.4, capabilities=["branding"]),
            *[Agent(f"x{i}", {}, 0.5, capabilities=["testing"], name=f"T{i}") for i in range(9)],
        ],
        0.15,
        fields={
            "company.name": "TechCorp Solutions",
            "company.brand": {"name": "Shaky"},
            "technical.backend": "Static",
            "recommendations": [
                "Review QA results before launch",
                "Low confidence in T0 checks - manual verification recommended",
            ],
        },
    ),
    Case(
        "ten agents are needed",
        [Agent(f"a{i}", {}, 0.9) for i in range(9)],
        error="Not enough agents available. Required: 10, Available: 9",
    ),
]
