"""The result's QR code: an accessible inline SVG whose dark squares are exactly the QR code's modules."""

import re

import qrcode

from orientation.qrcodes import ERROR_CORRECTION, QUIET_ZONE, qr_code_svg

URL = "https://maillage.example.org/aide/resultat/?besoin=demarches&pres=Issoudun&critere=gratuit"


def _drawn_modules(svg: str) -> set[tuple[int, int]]:
    path = re.search(r' d="([^"]*)"', svg).group(1)
    dark = set()
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        dark.update((int(x) + offset, int(y)) for offset in range(int(length)))
    return dark


def test_the_svg_draws_exactly_the_dark_modules_of_the_code():
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(URL)
    code.make(fit=True)
    expected = {(x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark}

    svg = str(qr_code_svg(URL, title="Code QR"))

    assert _drawn_modules(svg) == expected
    size = len(code.get_matrix())
    assert f'viewBox="0 0 {size} {size}"' in svg


def test_the_svg_is_an_image_with_a_name_and_escapes_it():
    svg = str(qr_code_svg(URL, title='Lien « résultat » <b>&"'))

    assert svg.startswith(
        '<svg class="qr-code" role="img" aria-label="Lien « résultat » &lt;b&gt;&amp;&quot;"'
    )
