"""The local web app of `distkit studio`: keyboard, models, harmonize, listen, share.

`api` holds what the routes do, `app` the routes, `security` the gate every request passes,
`runner` the server, and `static/` the page (plain HTML, CSS and JavaScript, no build step).
"""
