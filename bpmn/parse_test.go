package bpmn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseFixture(t *testing.T, name string) *Definitions {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defs, err := Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return defs
}

const minimal = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">` +
	`<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" /></bpmn:process></bpmn:definitions>`

// TestParseRejectsHostileInput feeds Parse what an attacker or a broken
// tool might send: each gets a clear, located error and no panic.
func TestParseRejectsHostileInput(t *testing.T) {
	deep := strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000)
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`
	tests := []struct {
		name  string
		input io.Reader
		msg   string
		line  int
	}{
		{"empty", strings.NewReader(""), "not XML: no element found", 1},
		{"not XML", strings.NewReader("this is not XML at all"), "not XML: no element found", 1},
		{"binary", bytes.NewReader([]byte{0, 1, 2, 0xff, '<', 0}), "not well-formed XML", 1},
		{"truncated", strings.NewReader(minimal[:len(minimal)-40]), "unexpected end of file (truncated XML?)", 1},
		{"mismatched tags", strings.NewReader("<a>\n<b></a>"), "unexpected end tag </a>", 2},
		{"two roots", strings.NewReader("<a/>\n<b/>"), "more than one root element", 2},
		{"50 MB", io.LimitReader(zeros{}, 50<<20), "larger than 4 MiB", 0},
		{"10,000 deep", strings.NewReader(deep), "nested more than 256 deep", 1},
		{"half a million attributes", strings.NewReader("<a" + strings.Repeat(` x=""`, 500_000) + "/>"), "more than 200000 XML attributes", 1},
		{"a million elements", strings.NewReader("<a>" + strings.Repeat("<b/>", 1_000_000) + "</a>"), "more than 50000 XML elements", 1},
		{"billion laughs", strings.NewReader(laughs), "DOCTYPE declarations (and their entities) are not allowed", 1},
		{"undeclared entity", strings.NewReader("<a>&lol;</a>"), "not well-formed XML", 1},
		{"not BPMN", strings.NewReader(`<definitions xmlns="http://example.com/x" />`), "root element is not BPMN definitions", 1},
		{"unsupported encoding", strings.NewReader(`<?xml version="1.0" encoding="EBCDIC"?><a/>`), `encoding "EBCDIC" is not supported`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs, err := Parse(tt.input)
			if err == nil {
				t.Fatalf("parsed %+v, want an error", defs)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.msg)
			}
			equal(t, "line", e.Line, tt.line)
		})
	}
}

// zeros is an endless stream of spaces (valid whitespace, never XML).
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestParseAcceptsHugeAttributeWithinLimit(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	xml := strings.Replace(minimal, `id="s"`, `id="s" name="`+big+`"`, 1)
	defs, err := Parse(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "name length", len(defs.Processes[0].Elements[0].Name), len(big))
}

func TestParseReportsPositionsOfElements(t *testing.T) {
	xml := "<?xml version=\"1.0\"?>\n<!-- comment -->\n<bpmn:definitions xmlns:bpmn=\"" + NSModel + "\" id=\"d\">\n" +
		"  <bpmn:process id=\"p\" isExecutable=\"true\">\n" +
		"    <bpmn:startEvent id=\"s\" name=\"Ünïcode\" /><bpmn:endEvent id=\"e\" />\n" +
		"  </bpmn:process>\n</bpmn:definitions>\n"
	defs, err := Parse(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "definitions", defs.Pos, Pos{3, 1})
	p := defs.Processes[0]
	equal(t, "process", p.Pos, Pos{4, 3})
	equal(t, "start", p.Elements[0].Pos, Pos{5, 5})
	// Columns count runes, not bytes: the name holds multi-byte letters.
	equal(t, "end", p.Elements[1].Pos, Pos{5, 46})
}

func TestParseReadsLatin1(t *testing.T) {
	xml := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<bpmn:definitions xmlns:bpmn=\"" + NSModel +
		"\" id=\"d\"><bpmn:process id=\"p\"><bpmn:task id=\"t\" name=\"caf\xe9\xe9\" /><bpmn:task id=\"u\" /></bpmn:process></bpmn:definitions>")
	defs, err := Parse(bytes.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "name", defs.Processes[0].Elements[0].Name, "caféé")
	// Columns count characters, as in a UTF-8 file.
	equal(t, "position after Latin-1 letters", defs.Processes[0].Elements[1].Pos, Pos{2, 137})
}

func TestExpressionClassification(t *testing.T) {
	tests := []struct {
		raw    string
		isExpr bool
		source string
	}{
		{"=a + 1", true, "a + 1"},
		{"  =x", true, "x"},
		{"payment", false, ""},
		{"", false, ""},
		{"a=b", false, ""},
	}
	for _, tt := range tests {
		x := NewExpression(tt.raw)
		if x.IsExpr != tt.isExpr || x.Source != tt.source || x.Raw != tt.raw {
			t.Errorf("NewExpression(%q) = %+v", tt.raw, x)
		}
	}
}

// TestParseLongSingleLine reads a minified file: 40,000 elements on one
// line. Positions are counted in one pass, so this stays linear.
func TestParseLongSingleLine(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<bpmn:definitions xmlns:bpmn="` + NSModel + `" id="d"><bpmn:process id="p">`)
	for i := range 40000 {
		fmt.Fprintf(&b, `<bpmn:task id="t%05d"/>`, i)
	}
	b.WriteString(`</bpmn:process></bpmn:definitions>`)
	defs, err := Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	els := defs.Processes[0].Elements
	prefix := len(`<bpmn:definitions xmlns:bpmn="` + NSModel + `" id="d"><bpmn:process id="p">`)
	equal(t, "last element", els[len(els)-1].Pos, Pos{1, prefix + 39999*len(`<bpmn:task id="t00000"/>`) + 1})
}

func TestConditionTextIncludesCDATA(t *testing.T) {
	xml := `<bpmn:definitions xmlns:bpmn="` + NSModel + `" id="d"><bpmn:process id="p" isExecutable="true">
  <bpmn:sequenceFlow id="f" sourceRef="a" targetRef="b">
    <bpmn:conditionExpression>
      <![CDATA[=amount > 100]]>
    </bpmn:conditionExpression>
  </bpmn:sequenceFlow></bpmn:process></bpmn:definitions>`
	defs, err := Parse(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	c := defs.Processes[0].Elements[0].Condition
	if c == nil || !c.IsExpr || strings.TrimSpace(c.Source) != "amount > 100" {
		t.Errorf("condition = %+v", c)
	}
}

func TestCountAttributesSkipsTextCommentsAndValues(t *testing.T) {
	xml := `<?xml version="1.0" x="y"?><!-- a="b" --><r a="1" b='x=y>z'><![CDATA[<c d="e">]]>t=u<s c="2"/></r>`
	equal(t, "attributes", attributesOf(t, xml), 3)
}

func attributesOf(t *testing.T, xml string) int {
	t.Helper()
	n := 0
	starts, err := prescan([]byte(xml))
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range starts {
		a, _, _ := startTag([]byte(xml[off:]))
		n += a
	}
	return n
}

// TestPrescanAgreesWithEncodingXML checks the byte-level pass against a
// real XML tokenizer on markup that could mislead it.
func TestPrescanAgreesWithEncodingXML(t *testing.T) {
	docs := []string{
		`<r a="x>y" b='not a > tag'><c/></r>`,
		`<?xml version="1.0"?><!-- <fake> --><r><![CDATA[<fake/> ]]>text &lt;fake&gt;<?pi <fake>?><c d="1" /></r>`,
		"<r\n  a = \"1\"\n  b='2'\n><c\n/><d></d>\n</r>",
		`<bpmn:definitions xmlns:bpmn="` + NSModel + `"><bpmn:process id="p"/></bpmn:definitions>`,
	}
	for _, doc := range docs {
		checkPositions(t, []byte(doc))
	}
}
