// checkVariables validates the variables of a new instance as typed: empty
// means none; otherwise a JSON object, as Camunda's API requires.

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
    return { ok: false, error: describe(err, text) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: `Expected a JSON object like {"amount": 42}, but got ${got}` };
  }
  return { ok: true, value };
}

// The parser's message, with the line and column when it gives a position.
function describe(err, text) {
  const message = err.message.replace(/^JSON\.parse: /, '');
  const m = /at position (\d+)/.exec(message);
  if (!m || /\(line \d+ column \d+\)/.test(message)) {
    return message;
  }
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split('\n');
  return `${message} (line ${before.length} column ${before[before.length - 1].length + 1})`;
}
