package expr

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

var stringFuncs = []*builtin{
	fn("substring", []string{"string", "start position", "length"}, 2, substring),
	fn("string length", []string{"string"}, 1, str1(func(s string) any { return int64(len([]rune(s))) })),
	fn("upper case", []string{"string"}, 1, str1(func(s string) any { return strings.ToUpper(s) })),
	fn("lower case", []string{"string"}, 1, str1(func(s string) any { return strings.ToLower(s) })),
	fn("trim", []string{"string"}, 1, str1(func(s string) any { return strings.TrimSpace(s) })),
	fn("is blank", []string{"string"}, 1, str1(func(s string) any { return strings.TrimSpace(s) == "" })),
	fn("substring before", []string{"string", "match"}, 2, str2(func(s, m string) any {
		before, _, found := strings.Cut(s, m)
		if !found {
			return ""
		}
		return before
	})),
	fn("substring after", []string{"string", "match"}, 2, str2(func(s, m string) any {
		_, after, found := strings.Cut(s, m)
		if !found {
			return ""
		}
		return after
	})),
	fn("contains", []string{"string", "match"}, 2, str2(func(s, m string) any { return strings.Contains(s, m) })),
	fn("starts with", []string{"string", "match"}, 2, str2(func(s, m string) any { return strings.HasPrefix(s, m) })),
	fn("ends with", []string{"string", "match"}, 2, str2(func(s, m string) any { return strings.HasSuffix(s, m) })),
	fn("matches", []string{"input", "pattern", "flags"}, 2, matches),
	fn("replace", []string{"input", "pattern", "replacement", "flags"}, 3, replace),
	fn("split", []string{"string", "delimiter"}, 2, split),
	fn("extract", []string{"string", "pattern"}, 2, extract),
	{name: "string join", params: []string{"list", "delimiter", "prefix", "suffix"}, min: 1, max: 4, nullOK: true, fn: stringJoin},
}

func str1(f func(string) any) func([]any) (any, error) {
	return func(a []any) (any, error) {
		s, err := wantString(a[0], "the argument")
		if err != nil {
			return nil, err
		}
		return f(s), nil
	}
}

func str2(f func(s, m string) any) func([]any) (any, error) {
	return func(a []any) (any, error) {
		s, err := wantString(a[0], "the string")
		if err != nil {
			return nil, err
		}
		m, err := wantString(a[1], "the match")
		if err != nil {
			return nil, err
		}
		return f(s, m), nil
	}
}

// substring(string, start position[, length]): 1-based, negative counts
// from the end, in characters.
func substring(a []any) (any, error) {
	s, err := wantString(a[0], "the string")
	if err != nil {
		return nil, err
	}
	start, err := wantInt(a[1], "the start position")
	if err != nil {
		return nil, err
	}
	r := []rune(s)
	n := int64(len(r))
	switch {
	case start > 0:
		start--
	case start < 0:
		start = max(n+start, 0)
	}
	if start > n {
		return "", nil
	}
	end := n
	if len(a) > 2 && a[2] != nil {
		l, err := wantInt(a[2], "the length")
		if err != nil {
			return nil, err
		}
		if l < 0 {
			return nil, fmt.Errorf("the length must not be negative, not %d", l)
		}
		end = min(start+l, n)
	}
	return string(r[start:end]), nil
}

// regex compiles a FEEL (XPath) pattern with optional flags i, s, m.
func regex(pattern string, a []any, flagsAt int) (*regexp.Regexp, error) {
	flags := ""
	if len(a) > flagsAt && a[flagsAt] != nil {
		f, err := wantString(a[flagsAt], "the flags")
		if err != nil {
			return nil, err
		}
		for _, c := range f {
			if !strings.ContainsRune("ism", c) {
				return nil, fmt.Errorf("flag %q is not supported (use i, s or m)", c)
			}
		}
		flags = f
	}
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	return compileRegex(pattern)
}

// regexCache keeps compiled patterns: expressions usually match against the
// same few literal patterns, and compiling one costs microseconds. The
// cache is emptied when full; it cannot change a result.
var regexCache = struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}{m: map[string]*regexp.Regexp{}}

const regexCacheSize = 256

func compileRegex(pattern string) (*regexp.Regexp, error) {
	regexCache.Lock()
	re, ok := regexCache.m[pattern]
	regexCache.Unlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid pattern %q: %v", pattern, err)
	}
	regexCache.Lock()
	if len(regexCache.m) >= regexCacheSize {
		regexCache.m = map[string]*regexp.Regexp{}
	}
	regexCache.m[pattern] = re
	regexCache.Unlock()
	return re, nil
}

func matches(a []any) (any, error) {
	s, err := wantString(a[0], "the input")
	if err != nil {
		return nil, err
	}
	p, err := wantString(a[1], "the pattern")
	if err != nil {
		return nil, err
	}
	re, err := regex(p, a, 2)
	if err != nil {
		return nil, err
	}
	return re.MatchString(s), nil
}

var groupRef = regexp.MustCompile(`\$(\d+)`)

func replace(a []any) (any, error) {
	s, err := wantString(a[0], "the input")
	if err != nil {
		return nil, err
	}
	p, err := wantString(a[1], "the pattern")
	if err != nil {
		return nil, err
	}
	repl, err := wantString(a[2], "the replacement")
	if err != nil {
		return nil, err
	}
	re, err := regex(p, a, 3)
	if err != nil {
		return nil, err
	}
	// FEEL writes groups as $1, Go as ${1}
	return re.ReplaceAllString(s, groupRef.ReplaceAllString(repl, "$${$1}")), nil
}

func split(a []any) (any, error) {
	s, err := wantString(a[0], "the string")
	if err != nil {
		return nil, err
	}
	d, err := wantString(a[1], "the delimiter")
	if err != nil {
		return nil, err
	}
	re, err := regex(d, nil, 0)
	if err != nil {
		return nil, err
	}
	parts := re.Split(s, -1)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func extract(a []any) (any, error) {
	s, err := wantString(a[0], "the string")
	if err != nil {
		return nil, err
	}
	p, err := wantString(a[1], "the pattern")
	if err != nil {
		return nil, err
	}
	re, err := regex(p, nil, 0)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, m := range re.FindAllString(s, -1) {
		out = append(out, m)
	}
	return out, nil
}

// string join(list[, delimiter[, prefix, suffix]]): null items are skipped.
func stringJoin(a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	opt := make([]string, 3)
	for i := 1; i < len(a); i++ {
		if a[i] == nil {
			continue
		}
		if opt[i-1], err = wantString(a[i], "the delimiter, prefix and suffix"); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	b.WriteString(opt[1])
	first := true
	for _, e := range l {
		if e == nil {
			continue
		}
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("every item must be a string, not %s", describe(e))
		}
		if !first {
			b.WriteString(opt[0])
		}
		first = false
		b.WriteString(s)
	}
	b.WriteString(opt[2])
	return b.String(), nil
}
