// Command baken is the one Baken binary: the server, migrations, accounts,
// tokens, the processing log and backups.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{os.Stdin, os.Stdout, os.Stderr, os.LookupEnv})
	stop()
	os.Exit(code)
}

// env is the process's outside world, replaced in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, e env) int
}

func commands() []command {
	return []command{
		{"serve", "run the web server and API (with --demo: seed the demo world)", cmdServe},
		{"migrate", "apply database migrations (--status lists pending ones)", cmdMigrate},
		{"user add", "create an account", cmdUserAdd},
		{"token create", "create an API token for a user; the token is the last output line", cmdTokenCreate},
		{"audit verify", "check the processing log's hash chain", cmdAuditVerify},
		{"audit list", "list processing-log records", cmdAuditList},
		{"backup", "make a consistent online copy of a SQLite database", cmdBackup},
		{"assess", "assess an input JSON with the indicator engine and print the result", cmdAssess},
		{"version", "print the version", cmdVersion},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Baken — samen tegen mensenhandel.\n\nUsage: baken COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'baken COMMAND --help' for a command's flags. Every flag has a BAKEN_* environment fallback.\n")
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) == 0 {
			usage(e.stderr)
			return exitUsage
		}
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		words := splitWords(c.name)
		if len(args) >= len(words) && equal(args[:len(words)], words) {
			return c.run(ctx, args[len(words):], e)
		}
	}
	// "baken user" or "baken audit" alone: show the group's commands.
	for _, c := range commands() {
		if words := splitWords(c.name); len(words) == 2 && args[0] == words[0] {
			fmt.Fprintf(e.stderr, "baken %s: unknown or missing subcommand %q\n\n", args[0], rest(args))
			usage(e.stderr)
			return exitUsage
		}
	}
	fmt.Fprintf(e.stderr, "baken: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func rest(args []string) string {
	if len(args) < 2 {
		return ""
	}
	return args[1]
}

func splitWords(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
