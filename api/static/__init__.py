"""The chat page (index.html, app.js, app.css); a package so wheels carry its files."""
