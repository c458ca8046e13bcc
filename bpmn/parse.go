package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// Limits on one resource. They bound the memory a hostile file can take:
// the whole file is held in memory, and etree builds a tree of it. prescan
// (markup.go) enforces them before etree starts.
const (
	// MaxResourceSize is the largest BPMN file Parse accepts (4 MiB; the
	// largest real model in our corpus is under 400 KB).
	MaxResourceSize = 4 << 20
	// MaxDepth is the deepest element nesting Parse accepts. Real models
	// nest a few dozen levels (subprocesses inside subprocesses).
	MaxDepth = 256
	// MaxElements is the most XML elements (DI shapes included) Parse
	// accepts: 20 times the largest real model in our corpus (2,430). It
	// bounds the tree etree builds: 4 MiB of "<a/>" would otherwise be a
	// million elements and hundreds of megabytes.
	MaxElements = 50_000
	// MaxAttributes is the most attributes, over all elements, Parse
	// accepts; real models have a few per element.
	MaxAttributes = 200_000
)

// Namespaces, matched by URI.
const (
	NSModel = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	NSZeebe = "http://camunda.org/schema/zeebe/1.0"
)

// Parse reads one BPMN file into its model. It fails when the input is not
// a BPMN document it can read; the error is then an *Error with the line
// and column where reading stopped (an I/O error of r is returned wrapped,
// as it is). Parse does not validate the model; Compile does.
func Parse(r io.Reader) (*Definitions, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResourceSize+1))
	if err != nil {
		return nil, fmt.Errorf("bpmn: read: %w", err)
	}
	if len(data) > MaxResourceSize {
		return nil, &Error{Msg: fmt.Sprintf("file is larger than %d MiB; Shoal refuses larger BPMN resources", MaxResourceSize>>20)}
	}
	starts, err := prescan(data)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{CharsetReader: charsetReader, MaxDepth: MaxDepth + 1}
	if err := doc.ReadFromBytes(data); err != nil {
		// etree says only that the input is malformed; scan finds where.
		if serr := scan(data); serr != nil {
			return nil, serr
		}
		return nil, &Error{Line: 1, Column: 1, Msg: "not well-formed XML: " + err.Error()}
	}
	root := doc.Root()
	if root == nil {
		return nil, &Error{Line: 1, Column: 1, Msg: "no root element; a BPMN file starts with <bpmn:definitions>"}
	}
	rd := &reader{pos: make(map[*etree.Element]Pos, len(starts))}
	lines := &cursor{data: data, line: 1, col: 1}
	pos := make([]Pos, len(starts))
	for i, off := range starts {
		pos[i] = lines.pos(int64(off))
	}
	if n := rd.index(root, pos, 0); n != len(pos) {
		return nil, &Error{Line: 1, Column: 1, Msg: fmt.Sprintf("not well-formed XML: %d elements read, %d start tags found", n, len(pos))}
	}
	return rd.definitions(root)
}

// scan locates the syntax error of a document etree refused: it decodes
// the tokens with encoding/xml, which knows the line, and checks that end
// tags match their start tags. It returns nil when it finds nothing wrong.
func scan(input []byte) error {
	data := positionText(input)
	lines := &cursor{data: data, line: 1, col: 1}
	d := xml.NewDecoder(bytes.NewReader(input))
	d.Strict = true
	d.CharsetReader = charsetReader
	// RawToken skips namespace translation, so the nesting of start and
	// end tags is checked here.
	var open []xml.Name
	for {
		off := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(open) > 0 {
				p := lines.pos(off)
				return &Error{Line: p.Line, Column: p.Column, Msg: "not well-formed XML: unexpected end of file (truncated XML?)"}
			}
			return nil
		}
		if err != nil {
			return syntaxError(d, lines, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name)
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				p := lines.pos(off)
				return &Error{Line: p.Line, Column: p.Column, Msg: fmt.Sprintf("not well-formed XML: unexpected end tag </%s>", qname(t.Name))}
			}
			open = open[:len(open)-1]
		}
	}
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// positionText returns the text that the decoder's offsets count in: the
// input itself, or for a Latin-1 file the declaration followed by the rest
// converted to UTF-8 (the decoder switches to the converting reader right
// after the declaration).
func positionText(data []byte) []byte {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return data
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return data
	}
	end += 2
	decl := string(data[:end])
	i := strings.Index(decl, "encoding=")
	if i < 0 || i+len("encoding=")+1 >= len(decl) {
		return data
	}
	rest := decl[i+len("encoding="):]
	enc, _, _ := strings.Cut(rest[1:], rest[:1])
	if _, err := charsetReader(enc, nil); err != nil || isUTF8(enc) {
		return data
	}
	out := append([]byte(nil), data[:end]...)
	for _, b := range data[end:] {
		out = utf8.AppendRune(out, rune(b))
	}
	return out
}

// syntaxError turns a decoder error into a located *Error.
func syntaxError(d *xml.Decoder, lines *cursor, err error) error {
	p := lines.pos(d.InputOffset())
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg = se.Msg
		if se.Msg == "unexpected EOF" {
			msg = "unexpected end of file (truncated XML?)"
		}
	}
	return &Error{Line: p.Line, Column: p.Column, Msg: "not well-formed XML: " + msg}
}

// cursor converts increasing byte offsets to 1-based lines and rune
// columns. It only moves forward, so a whole file costs one pass even when
// it is a single multi-megabyte line.
type cursor struct {
	data      []byte
	off       int
	line, col int
}

func (c *cursor) pos(off int64) Pos {
	o := int(min(max(off, int64(c.off)), int64(len(c.data))))
	for c.off < o {
		r, size := utf8.DecodeRune(c.data[c.off:])
		c.off += size
		if r == '\n' {
			c.line, c.col = c.line+1, 1
		} else {
			c.col++
		}
	}
	return Pos{Line: c.line, Column: c.col}
}

// charsetReader accepts UTF-8 and converts Latin-1 (ISO-8859-1, which some
// older tools declare) to UTF-8; other encodings are refused by name.
func charsetReader(charset string, in io.Reader) (io.Reader, error) {
	if isUTF8(charset) {
		return in, nil
	}
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "latin-1":
		return latin1Reader{in}, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported (use UTF-8)", charset)
}

func isUTF8(charset string) bool {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// latin1Reader converts ISO-8859-1 bytes to UTF-8.
type latin1Reader struct{ r io.Reader }

func (l latin1Reader) Read(p []byte) (int, error) {
	if len(p) < 2 {
		return 0, io.ErrShortBuffer
	}
	buf := make([]byte, len(p)/2)
	n, err := l.r.Read(buf)
	out := p[:0]
	for _, b := range buf[:n] {
		out = utf8.AppendRune(out, rune(b))
	}
	return len(out), err
}

// index gives every element of the etree document its position; etree's
// elements come in the same document order as scan's start tags.
func (rd *reader) index(e *etree.Element, pos []Pos, i int) int {
	if i < len(pos) {
		rd.pos[e] = pos[i]
	}
	i++
	for _, c := range e.ChildElements() {
		i = rd.index(c, pos, i)
	}
	return i
}
