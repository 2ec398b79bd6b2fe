"""QR codes drawn on the server as inline SVG, to carry a result from a screen (or a printed slip) to a phone.

Why on the server and as SVG: the page must work without JavaScript, print sharply at any size, and load
nothing from elsewhere. The modules come from the pinned `qrcode` package (its public `get_matrix`); the
drawing is ours, so the SVG can carry a title for screen readers and be styled by the site's CSS.
"""

import qrcode
from django.utils.html import format_html

# Medium correction (15 %): readable on a slightly creased slip, still a small code for a long link.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 2  # modules of white around the code; phones read 2 well on a white page


def qr_code_svg(data: str, *, title: str):
    """An `<svg role="img">` of `data` (safe HTML); `title` is what screen readers say of it."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    return format_html(
        '<svg class="qr-code" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">'
        '<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="{}"/></svg>',
        title,
        size,
        size,
        _dark_runs_path(matrix),
    )


def _dark_runs_path(matrix) -> str:
    """One path of horizontal runs of dark modules: `M x y h n v 1 h -n z` per run (small and exact)."""
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return "".join(parts)
