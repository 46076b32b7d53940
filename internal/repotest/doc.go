// Package repotest holds repository-level consistency tests: checks that
// files at the root of the repository (README.md, GNUmakefile) agree with
// each other. They belong to no Go package of the provider, so they live
// here, where `go test ./...` (and so `make test` and `make testunit`) still
// runs them.
package repotest
