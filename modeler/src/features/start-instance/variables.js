// checkVariables validates the variables of a new instance as typed: empty
// means none; otherwise a JSON object, as Camunda's API requires. Errors say
// where (line and column), which JSON.parse's messages do not always do.

/**
 * @param {string} text
 * @return {{ ok: true, value: Object } | { ok: false, error: string }}
 */
export function checkVariables(text) {
  if (!text.trim()) {
    return { ok: true, value: {} };
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: describe(text) || err.message };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: `Expected a JSON object like {"amount": 42}, but got ${got}` };
  }
  return { ok: true, value };
}

// describe finds the first syntax error in text (which JSON.parse refused)
// and says what and where.
function describe(text) {
  const s = new Scanner(text);
  try {
    s.value();
    s.space();
    if (s.i < text.length) {
      s.fail('Expected the end of the JSON');
    }
  } catch (err) {
    if (err instanceof SyntaxError && err.pos !== undefined) {
      const before = text.slice(0, err.pos).split('\n');
      return `${err.message} at line ${before.length} column ${before[before.length - 1].length + 1}`;
    }
    throw err;
  }
  return null;
}

class Scanner {
  constructor(text) {
    this.t = text;
    this.i = 0;
  }

  fail(message) {
    const err = new SyntaxError(message);
    err.pos = this.i;
    throw err;
  }

  space() {
    while (this.i < this.t.length && ' \t\n\r'.includes(this.t[this.i])) {
      this.i++;
    }
  }

  found() {
    return this.i < this.t.length ? `'${this.t[this.i]}'` : 'the end';
  }

  value() {
    this.space();
    const c = this.t[this.i];
    if (c === '{') {
      return this.object();
    }
    if (c === '[') {
      return this.array();
    }
    if (c === '"') {
      return this.string();
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      return this.number();
    }
    for (const word of [ 'true', 'false', 'null' ]) {
      if (this.t.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail(`Expected a value but found ${this.found()}`);
  }

  object() {
    this.i++;
    this.space();
    if (this.t[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.t[this.i] !== '"') {
        this.fail(`Expected a quoted name but found ${this.found()}`);
      }
      this.string();
      this.space();
      if (this.t[this.i] !== ':') {
        this.fail(`Expected ':' but found ${this.found()}`);
      }
      this.i++;
      this.value();
      this.space();
      if (this.t[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.t[this.i] === '}') {
        this.i++;
        return;
      }
      this.fail(`Expected ',' or '}' but found ${this.found()}`);
    }
  }

  array() {
    this.i++;
    this.space();
    if (this.t[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      if (this.t[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.t[this.i] === ']') {
        this.i++;
        return;
      }
      this.fail(`Expected ',' or ']' but found ${this.found()}`);
    }
  }

  string() {
    this.i++;
    while (this.i < this.t.length) {
      const c = this.t[this.i];
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        const e = this.t[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.t.slice(this.i + 2, this.i + 6))) {
            this.fail('Expected four hex digits after \\u');
          }
          this.i += 6;
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) {
          this.fail('Unknown escape in a string');
        }
        this.i += 2;
        continue;
      }
      if (c < ' ') {
        this.fail('Expected the string to end before the line does (a missing \'"\'?)');
      }
      this.i++;
    }
    this.fail('Expected \'"\' to end the string');
  }

  number() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.t.slice(this.i));
    if (!m || !m[0] || m[0] === '-') {
      this.fail(`Expected a number but found ${this.found()}`);
    }
    this.i += m[0].length;
  }
}
