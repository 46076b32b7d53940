package repotest

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// README.md tells newcomers which make targets to run; every one it names,
// in inline code or a code block, must exist in the GNUmakefile, so that the
// README stays true as the Makefile changes. CI runs this with `make test`.
func TestReadme_makeTargetsExist(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile("../../GNUmakefile")
	if err != nil {
		t.Fatal(err)
	}
	targets := makeTargets(string(makefile))
	named := readmeMakeTargets(string(readme))
	if len(named) == 0 {
		t.Fatal("README.md names no make target; the check is broken or the README lost its commands")
	}
	for _, target := range named {
		if !targets[target] {
			t.Errorf("README.md says `make %s`, but the GNUmakefile has no target %q", target, target)
		}
	}
	for _, essential := range []string{"demo", "test"} {
		if !slices.Contains(named, essential) {
			t.Errorf("README.md does not tell newcomers to run `make %s`", essential)
		}
	}
}

// makeRule matches a rule's targets at the start of a line: `a b: deps`,
// but not an assignment (`A := b`).
var makeRule = regexp.MustCompile(`(?m)^([A-Za-z0-9_.-]+(?:[ \t]+[A-Za-z0-9_.-]+)*)[ \t]*::?(?:[^=]|$)`)

// makeTargets returns the explicit targets a makefile defines.
func makeTargets(makefile string) map[string]bool {
	targets := map[string]bool{}
	for _, m := range makeRule.FindAllStringSubmatch(makefile, -1) {
		for _, target := range strings.Fields(m[1]) {
			if target != ".PHONY" {
				targets[target] = true
			}
		}
	}
	return targets
}

var (
	// codeSpanOrBlock matches fenced code blocks and inline code spans.
	codeSpanOrBlock = regexp.MustCompile("(?s)```.*?```|`[^`\n]+`")
	// makeCommand matches `make` as a command and what follows on its line.
	makeCommand = regexp.MustCompile(`(?m)(?:^|[\s;&|(])make((?:[ \t]+[^\s;&|)]+)*)`)
)

// readmeMakeTargets returns the targets of the make commands in a
// Markdown document's code: the first argument of each that is neither an
// option nor a variable assignment.
func readmeMakeTargets(doc string) []string {
	var targets []string
	for _, code := range codeSpanOrBlock.FindAllString(doc, -1) {
		code = strings.Trim(code, "`")
		for _, m := range makeCommand.FindAllStringSubmatch(code, -1) {
			for _, arg := range strings.Fields(m[1]) {
				if strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
					continue
				}
				if !slices.Contains(targets, arg) {
					targets = append(targets, arg)
				}
				break
			}
		}
	}
	return targets
}

func TestReadmeMakeTargets(t *testing.T) {
	t.Parallel()
	doc := "Run `make demo`, then\n\n```shell\nmake -j2 TESTFLAGS=-v test\ncd x && make server SERVER_FLAGS='-listen :0'\n```\n" +
		"We make sure `make docs-check` passes; `makefile` and `cmake x` are not commands."
	got := readmeMakeTargets(doc)
	want := []string{"demo", "test", "server", "docs-check"}
	if !slices.Equal(got, want) {
		t.Errorf("readmeMakeTargets = %q, want %q", got, want)
	}
	targets := makeTargets("A := b\nall: build\n\tgo build\nbuild test:\n$(BIN)/x:\n.PHONY: all\n")
	for _, target := range []string{"all", "build", "test"} {
		if !targets[target] {
			t.Errorf("makeTargets misses %q: %v", target, targets)
		}
	}
	if targets["A"] || targets[".PHONY"] || len(targets) != 3 {
		t.Errorf("makeTargets = %v, want all, build and test", targets)
	}
}
