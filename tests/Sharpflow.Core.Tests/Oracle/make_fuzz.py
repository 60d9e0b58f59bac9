import json, random
random.seed(7)
WORDS = ["metrics", "params", "tags", "attributes", "acc", "name", "status", "run_id", "start_time", "created", "AND", "and", "OR",
         "NOT", "IN", "in", "IS", "NULL", "null", "LIKE", "ILIKE", "RLIKE", "REGEXP", "BETWEEN", "AS", "as", "CASE", "WHEN", "THEN",
         "END", "IF", "FOR", "BEGIN", "WHERE", "ORDER", "BY", "GROUP", "LIMIT", "UNION", "ALL", "SELECT", "CREATE", "TABLE", "VALUES",
         "timestamp", "text", "DATE", "INTERVAL", "DAY", "key", "user", "ASC", "DESC", "asc", "desc", "NULLS", "FIRST", "JOIN", "LEFT",
         "INNER", "AT", "TIME", "ZONE", "CURRENT_DATE", "TRUE", "x", "y", "_u", "a1", "1a", "é", "ü", "İ", "DIV", "ROLE", "int", "varchar",
         "DOUBLE", "PRECISION", "index", "inx", "nota", "ending", "likes", "Created", "run"]
PUNCT = ["(", ")", "[", "]", ",", ";", ".", ":", "::", ":=", "*", "?", "%s", "%(x)s", "$1", "$$", "$a$", ":x", "@x", "#x", "##x", "\\x",
         "'", "\"", "`", "´", "-", "+", "/", "<", ">", "=", "!=", "<>", ">=", "<=", "==", "!", "~", "|", "||", "&", "^", "{", "}", "--",
         "/*", "*/", "# ", "->", "->>"]
NUMS = ["1", "-1", "1.5", "-1.5", "1.", ".5", "-.5", "1e5", "1E-5", "1.5e+5", "-1e5", "0x1f", "0XAB", "-0x1", "12abc", "1_0", "01", "1.x",
        "1e", "1.2.3", "٣", "1ea"]
STRS = ["'a'", "'a b'", "''", "'it''s'", "'a\\'b'", "'a\\\\'", "\"a\"", "\"a b\"", "\"\"", "\"a\"\"b\"", "\"a\\\"b\"", "`a`", "`a b`",
        "`a``b`", "´a´", "[a]", "[a b]", "'unterminated", "\"unterminated", "`unterminated", "$$x y$$", "$t$ z $t$"]
WS = [" ", " ", " ", "", "", "  ", "\t", "\n", "\r\n", "\r", "\x0b", "\u00a0"]
def tok():
    r = random.random()
    if r < 0.35: return random.choice(WORDS)
    if r < 0.6: return random.choice(PUNCT)
    if r < 0.75: return random.choice(NUMS)
    return random.choice(STRS)
def fuzz():
    n = random.randint(1, 9)
    return "".join(tok() + random.choice(WS) for _ in range(n)).rstrip(random.choice(["", " ", "\n"]))
cases = []
for _ in range(2500):
    s = fuzz()
    cases.append({"entity": random.choice(["runs", "runs", "traces", "experiments", "registered_models", "model_versions", "logged_models"]), "kind": "filter", "input": s})
# structured-but-noisy: key op value with random junk inserted
KEYS = ["metrics.acc", "params.x", "tags.t", "attributes.status", "run_id", "start_time", "name", "tags.`a b`", "datasets.name"]
OPS = ["=", "!=", ">", "<=", "LIKE", "IN", "NOT IN", "NOT LIKE", "IS", "<>"]
VALS = ["1", "'a'", "\"a\"", "('a','b')", "1.5", "-2", "x", "NULL", "('a')"]
for _ in range(1500):
    parts = [random.choice(KEYS), random.choice(OPS), random.choice(VALS)]
    for _ in range(random.randint(0, 2)):
        parts.insert(random.randint(0, len(parts)), tok())
    s = random.choice(WS).join(parts) if random.random() < 0.3 else " ".join(parts)
    if random.random() < 0.4:
        parts2 = [random.choice(KEYS), random.choice(OPS), random.choice(VALS)]
        s += random.choice([" AND ", " and ", " AND\n", " ", " OR "]) + " ".join(parts2)
    cases.append({"entity": random.choice(["runs", "experiments", "traces", "model_versions"]), "kind": "filter", "input": s})
for _ in range(1500):
    s = fuzz() if random.random() < 0.5 else random.choice(KEYS + ["name", "timestamp", "tags.x"]) + random.choice(["", " ", "  "]) + tok()
    cases.append({"entity": random.choice(["runs", "experiments", "traces", "registered_models", "model_versions"]), "kind": "order_by", "input": s})
json.dump(cases, open('fuzz.json', 'w'), ensure_ascii=False)
print(len(cases))
