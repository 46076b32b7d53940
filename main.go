// Command terraform-provider-idp serves the idp Terraform provider over protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/idp-terraform/terraform-provider-idp/internal/profiling"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		// Nobody reads the SDK's TRACE lines unless TF_LOG* asks; a -debug provider logs to its terminal.
		provider.SilenceUnreadLogs()
	}
	provider.TuneGC()
	stopProfile := profiling.Start()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/idp-terraform/idp",
		Debug:   debug,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
