package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
)

// cmdAssess runs the indicator engine on an input JSON document: the same
// engine, input and result as POST /api/v1/assessments and the page
// "Signalen wegen". Nothing is stored and no database is opened.
func cmdAssess(ctx context.Context, args []string, e env) int {
	var lang string
	fs := flag.NewFlagSet("baken assess", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&lang, "lang", "nl", "language of the explanation and advice: nl or en")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: baken assess [--lang nl|en] [FILE]\n\n"+
			"Reads the assessment input JSON from FILE (or standard input) and prints the result JSON.\n"+
			"Exit status: 0 assessed, 2 invalid input (the errors on standard error), 1 other failure.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK
		}
		return exitUsage
	}
	if lang != "nl" && lang != "en" {
		fmt.Fprintf(e.stderr, "baken assess: --lang %q: want nl or en\n", lang)
		return exitUsage
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(e.stderr, "baken assess: at most one FILE")
		return exitUsage
	}
	in := e.stdin
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintf(e.stderr, "baken assess: %v\n", err)
			return exitFailure
		}
		defer f.Close()
		in = f
	}
	cat, err := content.Load()
	if err != nil {
		fmt.Fprintf(e.stderr, "baken assess: content: %v\n", err)
		return exitFailure
	}
	engine, err := assess.New(cat)
	if err != nil {
		fmt.Fprintf(e.stderr, "baken assess: %v\n", err)
		return exitFailure
	}
	res, err := engine.AssessJSON(in, lang)
	if err != nil {
		return printInvalid(e.stderr, lang, err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return exitFailure
	}
	return exitOK
}

// printInvalid prints every validation error, one a line, and returns 2; any
// other error returns 1.
func printInvalid(w io.Writer, lang string, err error) int {
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid {
		fmt.Fprintf(w, "baken assess: %v\n", err)
		return exitFailure
	}
	b := i18n.MustLoad()
	fmt.Fprintf(w, "baken assess: %s\n", b.T(lang, "error.validation"))
	problems := assess.Problems(err)
	for i, f := range e.Fields {
		line := "  " + f.Field + ": " + b.T(lang, f.Key)
		if i < len(problems) && problems[i].Field == f.Field && problems[i].Value != "" {
			line += " " + strconv.Quote(problems[i].Value)
		}
		fmt.Fprintln(w, line)
	}
	return exitUsage
}
