// parseProblems reads the located BPMN problems out of the gateway's answer
// to a rejected deployment. The problem's detail is
//
//   Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy
//   new resources, but encountered the following errors:
//   'order.bpmn': 12:5: serviceTask "charge": Expected ... (one line each)
//
// where each line is `'<resource>': ` and then bpmn.Error's text:
// `[<line>:<column>: ][<kind> ]["<elementId>": ]<message>` (the element id
// quoted as Go's %q does).

const LINE = /^'([^']*)': (?:(\d+):(\d+): )?(?:([A-Za-z][\w-]*) (?="))?(?:"((?:[^"\\]|\\.)*)": )?([\s\S]*)$/;
const KIND_ONLY = /^([a-z][A-Za-z]*): ([\s\S]*)$/;

/**
 * @typedef {{ resource: string, line: number, column: number, kind: string,
 *   elementId: string, message: string }} Problem
 *
 * @param {string} detail
 * @return {{ summary: string, problems: Problem[] }}
 */
export function parseProblems(detail) {
  const text = String(detail || '');
  const lines = text.split('\n');
  const problems = [];
  const summary = [];

  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) {
      if (problems.length) {
        problems[problems.length - 1].message += '\n' + line;
      } else {
        summary.push(line);
      }
      continue;
    }
    let [ , resource, l, c, kind, id, message ] = m;
    if (l && !kind && !id) {
      const k = KIND_ONLY.exec(message);
      if (k) {
        [ , kind, message ] = k;
      }
    }
    problems.push({
      resource,
      line: l ? Number(l) : 0,
      column: c ? Number(c) : 0,
      kind: kind || '',
      elementId: id ? unquote(id) : '',
      message: message.trim()
    });
  }

  return {
    summary: summary.join('\n')
      .replace(/^Command '[^']*' rejected with code '[^']*': /, '')
      .trim(),
    problems
  };
}

function unquote(s) {
  try {
    return JSON.parse('"' + s + '"');
  } catch (err) {
    return s;
  }
}
