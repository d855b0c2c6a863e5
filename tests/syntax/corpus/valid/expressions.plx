# The whole expression language.
pattern Expressions {
  input {
    xs: list[number] = [3, 1, 2]
    m: map = { a: 1 }
  }
  let literals = [1, 2.5, 1e-9, 30s, 250ms, 2m, 1h, true, false, null, "s", "s", r"raw\d"]
  let maps = { plain: 1, "quoted key": 2, nested: { deeper: [1, { x: 2 }] } }
  let access = maps.nested.deeper[1].x + input.xs[0]
  let arithmetic = -access * 2 / 3 % 4 + 5 - 6
  let comparison = arithmetic == 1 or arithmetic != 2 and not (arithmetic < 3) and arithmetic <= 4
  let compare_more = arithmetic > 5 or arithmetic >= 6
  let membership = 2 in input.xs and 9 not in input.xs
  let fallback = input.m.missing ?? "default"
  let choice = if comparison then "yes" else if membership then "maybe" else "no"
  let guard = match {
    access > 10 => "big"
    access > 1 => "medium"
    else => "small"
  }
  let by_value = match guard {
    "big" => 3
    "medium" => 2
    else => 1
  }
  let macros = {
    filtered: input.xs.filter(x, x > 1)
    mapped: input.xs.map(x, x * 2)
    counted: input.xs.count(x, x > 1)
    every: input.xs.all(x, x > 0)
    some: input.xs.exists(x, x > 2)
    biggest: input.xs.max_by(x, x)
    smallest: input.xs.min_by(x, x)
    sorted: input.xs.sort_by(x, -x)
    grouped: input.xs.group_by(x, x % 2)
  }
  let calls = [len(input.xs), sum(input.xs), max(1, 2), round(2.5), best(choice, guard), coalesce(fallback, "x", threshold: 0.6)]
  let confident = choice with confidence 0.8
  let text = "choice=${choice} n=${len(input.xs)} quoted=${ "x" } \$literal \u00e9 tab\t"
  output {
    literals: literals
    access: access
    comparison: comparison
    compare_more: compare_more
    membership: membership
    by_value: by_value
    macros: macros
    calls: calls
    text: text
  } with confidence confidence(confident)
}
