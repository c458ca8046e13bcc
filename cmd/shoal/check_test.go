package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCheck runs `shoal check args...` and returns stdout, stderr and the
// exit code.
func runCheck(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runShoal(t, append([]string{"check"}, args...)...)
}

func TestCheckPrintsProblemsLikeACompiler(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "bpmn", "invalid", "many-problems.bpmn")
	out, errs, code := runCheck(t, path)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q; want exit 1 and no summary", code, out)
	}
	want := path + `:5:5: serviceTask "charge": no job type (zeebe:taskDefinition type)` + "\n"
	if !strings.HasPrefix(errs, want) || strings.Count(errs, "\n") != 5 {
		t.Errorf("stderr:\n%s\nwant 5 lines starting with:\n%s", errs, want)
	}
}

func TestCheckSummarizesValidFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "bpmn")
	out, errs, code := runCheck(t, filepath.Join(dir, "service-task.bpmn"), filepath.Join(dir, "collaboration-extensions.bpmn"))
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := filepath.Join(dir, "service-task.bpmn") + ": ok: 1 executable process(es), 7 elements (4 flow nodes, 3 sequence flows)\n" +
		filepath.Join(dir, "collaboration-extensions.bpmn") + ": ok: 1 executable process(es), 7 elements (4 flow nodes, 3 sequence flows)\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

func TestCheckReportsFEELErrorsAndUnreadableFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad-feel.bpmn")
	xml := `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" />
<bpmn:serviceTask id="charge"><bpmn:extensionElements><zeebe:taskDefinition type="=a +" /></bpmn:extensionElements></bpmn:serviceTask>
</bpmn:process></bpmn:definitions>`
	if err := os.WriteFile(path, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.bpmn")
	_, errs, code := runCheck(t, path, missing)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errs, path+`:3:1: serviceTask "charge": zeebe:taskDefinition type: invalid expression "=a +"`) {
		t.Errorf("no located FEEL error in:\n%s", errs)
	}
	if !strings.Contains(errs, missing+": open ") {
		t.Errorf("no error for the missing file in:\n%s", errs)
	}
}

// TestCheckCorpusWithFEEL runs check over the Zeebe part of the corpus with
// the real expression compiler: the files the bpmn corpus test expects to
// compile still do when their FEEL is compiled too.
func TestCheckCorpusWithFEEL(t *testing.T) {
	root := os.Getenv("SHOAL_CORPUS")
	if root == "" {
		t.Skip("SHOAL_CORPUS is not set: it names the BPMN corpus directory (CI sets it to ../shared/corpus)")
	}
	if !filepath.IsAbs(root) {
		if _, err := os.Stat(root); err != nil {
			root = filepath.Join("..", "..", root) // relative to the repository root
		}
	}
	rejected := map[string]bool{}
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus-expectations.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			rejected[strings.Split(line, "\t")[0]] = true
		}
	}
	for _, dir := range []string{"zeebe", "examples/camunda-8-js-sdk"} {
		paths, _ := filepath.Glob(filepath.Join(root, dir, "*", "*.bpmn"))
		more, _ := filepath.Glob(filepath.Join(root, dir, "*.bpmn"))
		for _, p := range append(paths, more...) {
			rel, _ := filepath.Rel(root, p)
			if rejected[filepath.ToSlash(rel)] {
				continue
			}
			if _, errs, code := runCheck(t, p); code != 0 {
				t.Errorf("%s: exit %d:\n%s", rel, code, errs)
			}
		}
	}
}
