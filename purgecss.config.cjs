// PurgeCSS keeps only the parts of Bootstrap's style sheet whose classes, tags and attributes
// appear in what the app renders: our templates, the Python and JavaScript that write classes,
// and the templates of the installed form packages (crispy-bootstrap5, django-filter and Django's
// own form widgets). `npm run build:css` (run by `make css`) minifies the result into
// build/static/css/bootstrap.min.css, which the app serves in place of Bootstrap's full file.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

// The installed packages are found where the project's Python imports them from, so the build
// follows whichever virtual environment (and package versions) the app runs with.
const python = process.env.PYTHON || ".venv/bin/python";
const packages = ["crispy_bootstrap5", "django_filters", "django.forms"];
const [crispyBootstrap5, djangoFilters, djangoForms] = execFileSync(
  python,
  [
    "-c",
    "import importlib.util, pathlib, sys\n" +
      "for name in sys.argv[1:]:\n" +
      "    print(pathlib.Path(importlib.util.find_spec(name).origin).parent / 'templates')",
    ...packages,
  ],
  { encoding: "utf8" },
)
  .trim()
  .split("\n");

function templatesIn(folder) {
  if (!fs.existsSync(folder)) {
    return [];
  }
  return fs
    .readdirSync(folder, { recursive: true })
    .filter((name) => name.endsWith(".html"))
    .map((name) => path.join(folder, name));
}

// Of crispy-bootstrap5's templates, those the app's own templates render: each way of drawing a
// form starts at one template, which includes others.
const projectTemplates = [...templatesIn("templates"), ...templatesIn("projects/templates")].map(
  (file) => fs.readFileSync(file, "utf8"),
);
const uses = (pattern) => projectTemplates.some((text) => pattern.test(text));
const crispyEntries = [];
if (uses(/\|\s*crispy\b/)) {
  crispyEntries.push("bootstrap5/uni_form.html", "bootstrap5/field.html");
}
if (uses(/\|\s*as_crispy_field\b/)) {
  crispyEntries.push("bootstrap5/field.html");
}
if (uses(/\|\s*as_crispy_errors\b/)) {
  crispyEntries.push("bootstrap5/errors.html");
}
if (uses(/\{%\s*crispy\s/)) {
  // A form helper's layout objects are chosen in Python: every layout template may be drawn.
  crispyEntries.push(
    "bootstrap5/whole_uni_form.html",
    "bootstrap5/field.html",
    ...templatesIn(path.join(crispyBootstrap5, "bootstrap5", "layout")).map((file) =>
      path.relative(crispyBootstrap5, file),
    ),
  );
}
const crispyTemplates = new Set();
const pending = [...crispyEntries];
while (pending.length) {
  const name = pending.pop();
  const file = path.join(crispyBootstrap5, name);
  if (crispyTemplates.has(file)) {
    continue;
  }
  if (!fs.existsSync(file)) {
    throw new Error(`crispy-bootstrap5 has no template ${name} in ${crispyBootstrap5}`);
  }
  crispyTemplates.add(file);
  const text = fs.readFileSync(file, "utf8");
  for (const match of text.matchAll(/\{%\s*(?:include|extends)\s+["']([^"']+)["']/g)) {
    if (match[1].startsWith("bootstrap5/")) {
      pending.push(match[1]);
    }
  }
}
if (!templatesIn(djangoForms).length || !templatesIn(djangoFilters).length) {
  throw new Error(`No form templates found in ${djangoForms} or ${djangoFilters}`);
}

const output = "build/purgecss/bootstrap.css";
fs.mkdirSync(path.dirname(output), { recursive: true });

module.exports = {
  css: ["node_modules/bootstrap/dist/css/bootstrap.css"],
  content: [
    "templates/**/*.html",
    "projects/templates/**/*.html",
    "static/js/**/*.js",
    // Python that writes classes into the page.
    "projects/forms.py",
    "projects/filters.py",
    "projects/templatetags/**/*.py",
    "projects/views/**/*.py",
    ...crispyTemplates,
    // Django's widgets draw every field; django-filter adds its range widgets.
    `${djangoForms}/**/*.html`,
    `${djangoFilters}/django_filters/widgets/**/*.html`,
  ],
  output,
  // Animations no kept rule uses (spinners, striped progress bars) go too.
  keyframes: true,
  safelist: {
    standard: [
      // Message levels become alert classes in base.html: alert-{{ message.tags }}.
      "alert-success",
      "alert-info",
      "alert-warning",
      "alert-danger",
      // Classes and elements Bootstrap's JavaScript adds while it opens, closes and moves
      // things (bootstrap.bundle.js, CLASS_NAME_* and its tooltip and popover templates).
      "show",
      "showing",
      "hide",
      "hiding",
      "fade",
      "collapse",
      "collapsing",
      "collapsed",
      "collapse-horizontal",
      "active",
      "modal-open",
      "modal-backdrop",
      "modal-static",
      "offcanvas-backdrop",
      "pointer-event",
      "carousel-item-start",
      "carousel-item-end",
      "carousel-item-next",
      "carousel-item-prev",
      "tooltip",
      "tooltip-arrow",
      "tooltip-inner",
      "bs-tooltip-auto",
      "popover",
      "popover-arrow",
      "popover-header",
      "popover-body",
      "bs-popover-auto",
    ],
  },
  // Attributes Popper sets on dropdowns, tooltips and popovers.
  dynamicAttributes: ["data-bs-popper", "data-popper-placement"],
};
