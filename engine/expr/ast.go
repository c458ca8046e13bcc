package expr

// node is a FEEL AST node. span gives its byte range in the source, for
// error messages.
type node interface{ span() (int, int) }

type pos struct{ start, end int }

func (p pos) span() (int, int) { return p.start, p.end }

type (
	numLit struct {
		pos
		text string
	}
	strLit struct {
		pos
		val string
	}
	temporalLit struct {
		pos
		text string
	}
	boolLit struct {
		pos
		val bool
	}
	nullLit struct{ pos }
	nameRef struct {
		pos
		name string
	}
	pathExpr struct {
		pos
		x    node
		name string
	}
	filterExpr struct {
		pos
		x, cond node
	}
	callExpr struct {
		pos
		fn    string
		args  []node
		names []string // parameter names when called with named arguments
	}
	unaryExpr struct {
		pos
		op string
		x  node
	}
	binaryExpr struct {
		pos
		op   string // + - * / ** = != < <= > >= and or
		l, r node
	}
	betweenExpr struct {
		pos
		x, lo, hi node
	}
	inExpr struct {
		pos
		x     node
		tests []node // expressions, ranges or unaryTests
	}
	// unaryTest is "< 10" on the right of "in".
	unaryTest struct {
		pos
		op string
		x  node
	}
	rangeLit struct {
		pos
		lo, hi         node
		loOpen, hiOpen bool
	}
	listLit struct {
		pos
		items []node
	}
	ctxLit struct {
		pos
		keys []string
		vals []node
	}
	ifExpr struct {
		pos
		cond, then, els node
	}
	// forExpr is "for a in as, b in bs return body"; quantExpr "some/every ... satisfies".
	forExpr struct {
		pos
		vars []string
		ins  []node
		body node
	}
	quantExpr struct {
		pos
		every bool
		vars  []string
		ins   []node
		cond  node
	}
	instanceOf struct {
		pos
		x   node
		typ string
	}
)
