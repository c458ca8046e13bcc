package bpmn

import (
	"bytes"
	"fmt"
)

// prescan is the first, cheap pass over a document: a byte scan of its
// markup that finds where each start tag begins (document order, the same
// order in which etree creates elements) and enforces the limits before
// any tree or token is built. Comments, CDATA sections, processing
// instructions and quoted attribute values are skipped, so for well-formed
// input the tags it finds are exactly the document's elements. A DOCTYPE is
// refused here, so no entity is ever declared, let alone expanded.
//
// Whether the document is well-formed is left to etree (and, for a located
// message, to scan).
func prescan(data []byte) ([]int, error) {
	var starts []int
	depth, attrs := 0, 0
	at := func(off int, format string, args ...any) error {
		p := (&cursor{data: data, line: 1, col: 1}).pos(int64(off))
		return &Error{Line: p.Line, Column: p.Column, Msg: fmt.Sprintf(format, args...)}
	}
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i += skipPast(rest, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i += skipPast(rest, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			i += skipPast(rest, "?>")
		case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
			return nil, at(i, "DOCTYPE declarations (and their entities) are not allowed in BPMN files")
		case bytes.HasPrefix(rest, []byte("<!")):
			i += skipPast(rest, ">")
		case bytes.HasPrefix(rest, []byte("</")):
			depth--
			i += skipPast(rest, ">")
		default:
			switch {
			case depth <= 0 && len(starts) > 0:
				return nil, at(i, "not well-formed XML: more than one root element")
			case len(starts) >= MaxElements:
				return nil, at(i, "more than %d XML elements; Shoal refuses larger BPMN resources", MaxElements)
			}
			starts = append(starts, i)
			n, selfClosing, size := startTag(rest)
			if attrs += n; attrs > MaxAttributes {
				return nil, at(i, "more than %d XML attributes; Shoal refuses larger BPMN resources", MaxAttributes)
			}
			if !selfClosing {
				if depth++; depth > MaxDepth {
					return nil, at(i, "elements nested more than %d deep; Shoal refuses deeper nesting", MaxDepth)
				}
			}
			i += size
		}
	}
	if len(starts) == 0 {
		return nil, &Error{Line: 1, Column: 1, Msg: "not XML: no element found"}
	}
	return starts, nil
}

// startTag reads the start tag at the beginning of b: its number of
// attributes (the '=' outside quoted values), whether it closes itself
// ("/>"), and its length.
func startTag(b []byte) (attrs int, selfClosing bool, size int) {
	k := 1
	for ; k < len(b) && b[k] != '>'; k++ {
		switch b[k] {
		case '=':
			attrs++
		case '"', '\'':
			q := bytes.IndexByte(b[k+1:], b[k])
			if q < 0 {
				return attrs, false, len(b)
			}
			k += q + 1
		}
	}
	if k >= len(b) {
		return attrs, false, len(b)
	}
	return attrs, b[k-1] == '/', k + 1
}

// skipPast returns the length of b up to and including the end marker, or
// len(b) if it is missing.
func skipPast(b []byte, end string) int {
	if k := bytes.Index(b, []byte(end)); k >= 0 {
		return k + len(end)
	}
	return len(b)
}
