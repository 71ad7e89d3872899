"""PDF digital signatures: a PDF signed here with a self-made certificate, and the same PDF altered after signing."""

import datetime
from pathlib import Path

import pytest

from evidence.reading import read_document


def _self_signed(common_name: str):
    from asn1crypto import keys as akeys, x509 as ax509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Nội vụ tỉnh Quảng Nam"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)), akeys.PrivateKeyInfo.load(der_key))


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from reportlab.pdfgen import canvas

    folder = tmp_path_factory.mktemp("sig")
    plain = folder / "plain.pdf"
    pdf = canvas.Canvas(str(plain), pageCompression=0)
    pdf.drawString(100, 700, "Original text of the decision")
    pdf.showPage()
    pdf.save()
    cert, key = _self_signed("Nguyễn Văn An")
    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([cert])
    )
    signed = folder / "signed.pdf"
    with open(plain, "rb") as source, open(signed, "wb") as out:
        signers.sign_pdf(
            IncrementalPdfFileWriter(source),
            signers.PdfSignatureMetadata(
                field_name="Signature1", reason="Đã ký lên văn bản này!", name="Nguyen Van An"
            ),
            signer=signer,
            output=out,
        )
    return signed


def test_signature_fields_are_read(signed_pdf: Path):
    meta = read_document(signed_pdf, ocr=False).metadata
    [sig] = meta["signatures"]
    assert sig["signer"] == "Nguyễn Văn An"  # from the certificate subject, not /Name
    assert sig["reason"] == "Đã ký lên văn bản này!"
    assert sig["intact"] is True
    signed_at = datetime.datetime.fromisoformat(sig["signed_at"])
    assert abs(signed_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(hours=1)
    assert "signature_broken" not in meta["warnings"]


def test_altered_after_signing_is_not_intact(signed_pdf: Path, tmp_path: Path):
    data = signed_pdf.read_bytes()
    assert data.count(b"Original text") == 1
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(data.replace(b"Original text", b"Modified text"))
    meta = read_document(altered, ocr=False).metadata
    assert meta["signatures"][0]["intact"] is False
    assert "signature_broken" in meta["warnings"]


def test_signing_time_is_the_date_fallback(signed_pdf: Path):
    meta = read_document(signed_pdf, ocr=False).metadata
    assert meta["date_source"] == "signature"
    assert meta["issued_on"] == meta["signatures"][0]["signed_at"][:10]


def test_unsigned_pdf_has_no_signatures(tmp_path: Path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "unsigned.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawString(100, 700, "No signature here at all, just a line of text for the reader")
    pdf.showPage()
    pdf.save()
    meta = read_document(path, ocr=False).metadata
    assert meta["signatures"] == [] and meta["warnings"] == []


def test_a_date_from_the_signing_time_is_marked_estimated(signed_pdf: Path):
    import json

    from click.testing import CliRunner

    from evidence.cli import main

    meta = read_document(signed_pdf, ocr=False).metadata
    assert meta["issued_on_estimated"] is True
    assert meta["sources"]["issued_on"] == "signature" and meta["confidence"]["issued_on"] <= 0.5
    result = CliRunner().invoke(main, ["inspect", str(signed_pdf), "--json", "--no-ocr"])
    data = json.loads(result.stdout)
    assert data["issued_on_estimated"] is True and data["sources"]["issued_on"] == "signature"
    human = CliRunner().invoke(main, ["inspect", str(signed_pdf), "--no-ocr"]).stdout
    issued = next(line for line in human.splitlines() if line.startswith("Issued on"))
    assert issued.endswith(f"{meta['issued_on']} (ước tính)")
    assert any(line.startswith("Read from") and "issued_on: signature" in line for line in human.splitlines())
