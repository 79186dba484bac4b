#!/usr/bin/env python3
"""Makes the PNG fixtures for ImageCodecTests with an encoder independent of VaeSharp.

Python standard library only (zlib + struct). Run once from this folder; the .png files are
committed. Each image chooses its row filters explicitly so that all five filter types (None,
Sub, Up, Average, Paeth) are exercised, and splits its zlib stream over several IDAT chunks.
Some files also carry ancillary chunks (tEXt, gAMA) that a reader must skip.

Pixel values, which the tests recompute:
  formula images:  value(x, y, c) = (x*67 + y*29 + c*101 + x*y*13 + 7) % 256
  noise image:     bytes in row-major interleaved order from the LCG
                   s = (s*1103515245 + 12345) % 2**31, byte = (s >> 16) & 0xFF, starting at s = 2024
"""
import struct
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    if pb <= pc:
        return b
    return c


def filter_row(kind, row, prior, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - predictor) % 256)
    return bytes(out)


def encode(width, height, channels, pixels, filters, idat_piece, ancillary=()):
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    stride = width * channels
    raw = bytearray()
    prior = bytes(stride)
    for y in range(height):
        row = bytes(pixels[y * stride:(y + 1) * stride])
        kind = filters[y % len(filters)]
        raw.append(kind)
        raw += filter_row(kind, row, prior, channels)
        prior = row
    compressed = zlib.compress(bytes(raw), 9)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
    for kind, data in ancillary:
        out += chunk(kind, data)
    pieces = [compressed[i:i + idat_piece] for i in range(0, len(compressed), idat_piece)]
    assert len(pieces) >= 2, "each fixture must use several IDAT chunks"
    for piece in pieces:
        out += chunk(b"IDAT", piece)
    out += chunk(b"IEND", b"")
    return out


def formula_pixels(width, height, channels):
    return [(x * 67 + y * 29 + c * 101 + x * y * 13 + 7) % 256
            for y in range(height) for x in range(width) for c in range(channels)]


def noise_pixels(count, seed=2024):
    s, out = seed, []
    for _ in range(count):
        s = (s * 1103515245 + 12345) % 2**31
        out.append((s >> 16) & 0xFF)
    return out


def save(name, data):
    with open(name, "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    text = (b"tEXt", b"Comment\x00made by make_png_fixtures.py")
    gamma = (b"gAMA", struct.pack(">I", 45455))
    save("gray_7x5.png", encode(7, 5, 1, formula_pixels(7, 5, 1), [1, 2, 3, 4, 0], 9, [text]))
    save("graya_4x3.png", encode(4, 3, 2, formula_pixels(4, 3, 2), [2, 4, 3], 8))
    save("rgb_6x4.png", encode(6, 4, 3, formula_pixels(6, 4, 3), [4, 3, 2, 1], 10, [gamma, text]))
    save("rgba_5x3.png", encode(5, 3, 4, formula_pixels(5, 3, 4), [3, 4, 1], 12))
    save("rgb_noise_32x24.png", encode(32, 24, 3, noise_pixels(32 * 24 * 3), [0, 1, 2, 3, 4, 4, 3, 2, 1], 500))
