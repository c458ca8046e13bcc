package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tokEOF tokKind = iota
	tokName
	tokNumber
	tokString
	tokTemporal // @"2024-01-01"
	tokOp       // punctuation and operators
)

// token is one lexical unit. pos and end are byte offsets in the source.
type token struct {
	kind     tokKind
	text     string // the name, the operator, the number's digits, or the decoded string
	pos, end int
	quoted   bool // a `backtick` name: never a keyword
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokString, tokTemporal:
		return strconv.Quote(t.text)
	}
	return "'" + t.text + "'"
}

// is reports whether t is the operator or (unquoted) name s.
func (t token) is(s string) bool {
	return (t.kind == tokOp || (t.kind == tokName && !t.quoted)) && t.text == s
}

// operators, longest first so that "**" wins over "*".
var operators = []string{"..", "**", "!=", "<=", ">=", "+", "-", "*", "/", "=", "<", ">", ".", ",", ":", "(", ")", "[", "]", "{", "}"}

// tokenize splits src into tokens; the last one is tokEOF.
func tokenize(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		i = skipSpaceAndComments(src, i)
		if i >= len(src) {
			toks = append(toks, token{kind: tokEOF, pos: len(src), end: len(src)})
			return toks, nil
		}
		t, err := nextToken(src, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i = t.end
	}
}

func skipSpaceAndComments(src string, i int) int {
	for i < len(src) {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case strings.HasPrefix(src[i:], "//"):
			nl := strings.IndexByte(src[i:], '\n')
			if nl < 0 {
				return len(src)
			}
			i += nl + 1
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return len(src)
			}
			i += 2 + end + 2
		default:
			return i
		}
	}
	return i
}

func nextToken(src string, i int) (token, error) {
	r, size := utf8.DecodeRuneInString(src[i:])
	switch {
	case r == '"':
		s, end, err := lexString(src, i)
		return token{kind: tokString, text: s, pos: i, end: end}, err
	case r == '@' && i+1 < len(src) && src[i+1] == '"':
		s, end, err := lexString(src, i+1)
		return token{kind: tokTemporal, text: s, pos: i, end: end}, err
	case r == '`':
		end := strings.IndexByte(src[i+1:], '`')
		if end < 0 {
			return token{}, syntaxErr(src, i, "unterminated `name`")
		}
		return token{kind: tokName, text: src[i+1 : i+1+end], pos: i, end: i + end + 2, quoted: true}, nil
	case isDigit(r) || (r == '.' && i+1 < len(src) && isDigit(rune(src[i+1]))):
		return lexNumber(src, i), nil
	case isNameStart(r):
		j := i + size
		for j < len(src) {
			r2, s2 := utf8.DecodeRuneInString(src[j:])
			if !isNamePart(r2) {
				break
			}
			j += s2
		}
		return token{kind: tokName, text: src[i:j], pos: i, end: j}, nil
	}
	for _, op := range operators {
		if strings.HasPrefix(src[i:], op) {
			return token{kind: tokOp, text: op, pos: i, end: i + len(op)}, nil
		}
	}
	if r == utf8.RuneError && size <= 1 {
		return token{}, syntaxErr(src, i, "invalid UTF-8 in expression")
	}
	return token{}, syntaxErr(src, i, fmt.Sprintf("unexpected character %q", r))
}

func isDigit(r rune) bool     { return r >= '0' && r <= '9' }
func isNameStart(r rune) bool { return r == '_' || r == '?' || unicode.IsLetter(r) }
func isNamePart(r rune) bool  { return isNameStart(r) || unicode.IsDigit(r) || r == '\'' }

func lexNumber(src string, i int) token {
	j := i
	for j < len(src) && isDigit(rune(src[j])) {
		j++
	}
	// a fraction, but not the ".." of a range (1..10)
	if j+1 < len(src) && src[j] == '.' && isDigit(rune(src[j+1])) {
		j++
		for j < len(src) && isDigit(rune(src[j])) {
			j++
		}
	}
	return token{kind: tokNumber, text: src[i:j], pos: i, end: j}
}

// lexString decodes the string literal starting at the quote at src[i].
func lexString(src string, i int) (string, int, error) {
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch c {
		case '"':
			return strings.ToValidUTF8(b.String(), "\uFFFD"), j + 1, nil
		case '\\':
			if j+1 >= len(src) {
				return "", 0, syntaxErr(src, j, "unterminated string")
			}
			n, err := lexEscape(src, j, &b)
			if err != nil {
				return "", 0, err
			}
			j = n
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, syntaxErr(src, i, "unterminated string")
}

// lexEscape decodes the escape at src[j] (a backslash) into b and returns the
// offset after it.
func lexEscape(src string, j int, b *strings.Builder) (int, error) {
	switch c := src[j+1]; c {
	case '"', '\\', '\'', '/':
		b.WriteByte(c)
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'U': // \U101EF: up to six hex digits
		k := j + 2
		for k < len(src) && k < j+8 && strings.IndexByte("0123456789abcdefABCDEF", src[k]) >= 0 {
			k++
		}
		n, err := strconv.ParseUint(src[j+2:k], 16, 32)
		if err != nil || n > unicode.MaxRune {
			return 0, syntaxErr(src, j, "invalid \\U escape")
		}
		b.WriteRune(rune(n))
		return k, nil
	case 'u':
		if j+6 > len(src) {
			return 0, syntaxErr(src, j, "invalid \\u escape")
		}
		n, err := strconv.ParseUint(src[j+2:j+6], 16, 32)
		if err != nil {
			return 0, syntaxErr(src, j, "invalid \\u escape")
		}
		b.WriteRune(rune(n))
		return j + 6, nil
	default:
		// FEEL keeps unknown escapes as written (regex patterns use "\d").
		b.WriteByte('\\')
		b.WriteByte(c)
	}
	return j + 2, nil
}
