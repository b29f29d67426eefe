package web

import (
	"log/slog"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

// Deps are what the web pages need.
type Deps struct {
	Cfg     config.Config
	Logger  *slog.Logger
	DB      *store.DB
	Auth    *auth.Service
	Orgs    *org.Service
	Viewer  *audit.Viewer
	I18n    *i18n.Bundle
	Content *content.Catalog
	Engine  *assess.Engine
	Signals *signal.Service
	Cases   *cases.Service
	Kader   *kader.Service
	Version string
}
