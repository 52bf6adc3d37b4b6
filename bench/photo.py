"""Time storing a 12-megapixel phone photo: `.venv/bin/python -m bench.photo [--runs 7]`.

The photo is made here: 4000 × 3000 pixels of gradients, soft shapes, detail and sensor
grain, JPEG at quality 92 with an EXIF orientation of 6 (the phone held upright), about the
size a phone camera writes (2.4 MB). It is stored as a product photo (three renditions) through
`common.uploads.store_photo`, in an app on a throw-away SQLite database and upload folder;
the median and min–max of the runs are printed (wall clock, and the CPU time of this
process, which a busy machine disturbs less), after one warm-up.
"""

import argparse
import io
import statistics
import tempfile
import time

from PIL import Image, ImageFilter
from werkzeug.datastructures import FileStorage


def phone_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    gradient = Image.linear_gradient("L").resize((width, height))
    shapes = Image.effect_noise((width // 40, height // 40), 80).resize(
        (width, height), Image.Resampling.BICUBIC)
    detail = Image.effect_noise((width // 4, height // 4), 50).resize(
        (width, height), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise((width, height), 6)
    image = Image.merge("RGB", (Image.blend(gradient, shapes, 0.6),
                                Image.blend(shapes, detail, 0.4),
                                Image.blend(detail, grain, 0.3)))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def time_store(data: bytes, runs: int) -> list[float]:
    from kim_app import create_app
    from kim_app.common.uploads import store_photo
    from kim_app.config import TestConfig
    from kim_app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        config = TestConfig()
        config.UPLOAD_DIR = folder
        config.UPLOAD_MAX_BYTES = max(config.UPLOAD_MAX_BYTES, len(data))
        app = create_app(config)
        timings = []
        with app.app_context():
            db.create_all()
            widths = app.config["PRODUCT_PHOTO_WIDTHS"]
            for run in range(runs + 1):
                upload = FileStorage(io.BytesIO(data), filename="IMG_0001.jpg")
                began, cpu = time.perf_counter(), time.process_time()
                store_photo(upload, widths=widths)
                took = ((time.perf_counter() - began) * 1000,
                        (time.process_time() - cpu) * 1000)
                db.session.rollback()
                if run:
                    timings.append(took)
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    data = phone_jpeg()
    timings = time_store(data, args.runs)
    wall = [took for took, _cpu in timings]
    cpu = [cpu for _took, cpu in timings]
    print(f"12 Mpx JPEG ({len(data) / 1e6:.1f} MB) stored as a product photo, {args.runs} "
          f"runs: median {statistics.median(wall):.0f} ms (min {min(wall):.0f}, max "
          f"{max(wall):.0f}), CPU {statistics.median(cpu):.0f} ms (min {min(cpu):.0f})")


if __name__ == "__main__":
    main()
