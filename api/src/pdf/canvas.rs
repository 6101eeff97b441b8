//! A page-by-page drawing surface in millimetres from the top-left corner of an A4 page,
//! over printpdf's operations (whose origin is the bottom-left corner, in points).
//!
//! Every string drawn goes through [`text::printable`] first, so what is measured is what is
//! shown. The page footer is drawn last, by [`Canvas::finish`], once the page count is known.

use printpdf::{
    Color, ImageCompression, ImageOptimizationOptions, Line, LinePoint, Mm, Op, PaintMode,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb, TextItem,
    TextMatrix, XObjectId, XObjectTransform,
};

use super::text::{self, Face};
use super::PdfError;

pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;
pub(crate) const MARGIN_X: f32 = 18.0;
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
pub(crate) const RIGHT: f32 = PAGE_W - MARGIN_X;
/// Lowest point content may reach; the footer lives below it.
pub(crate) const CONTENT_BOTTOM: f32 = 276.0;

pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Rgb8(pub u8, pub u8, pub u8);

impl Rgb8 {
    fn color(self) -> Color {
        Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }
}

pub(crate) const INK: Rgb8 = Rgb8(0x1f, 0x29, 0x37);
pub(crate) const MUTED: Rgb8 = Rgb8(0x6b, 0x72, 0x80);
pub(crate) const RULE: Rgb8 = Rgb8(0xd1, 0xd5, 0xdb);
pub(crate) const BAND: Rgb8 = Rgb8(0xf1, 0xf3, 0xf6);
pub(crate) const ACCENT: Rgb8 = Rgb8(0x1e, 0x3a, 0x5f);
pub(crate) const ALERT: Rgb8 = Rgb8(0xb9, 0x1c, 0x1c);
pub(crate) const ALERT_BAND: Rgb8 = Rgb8(0xfd, 0xec, 0xec);
const WATERMARK: Rgb8 = Rgb8(0xf3, 0xd0, 0xd0);

/// A decoded image ready to place, with its size in pixels.
pub(crate) struct Image {
    id: XObjectId,
    width_px: f32,
    height_px: f32,
}

impl Image {
    /// The size in millimetres that fits `max_w` × `max_h`, keeping the aspect ratio.
    pub(crate) fn fit(&self, max_w: f32, max_h: f32) -> (f32, f32) {
        let scale = (max_w / self.width_px).min(max_h / self.height_px);
        (self.width_px * scale, self.height_px * scale)
    }
}

pub(crate) struct Canvas {
    doc: PdfDocument,
    pages: Vec<Vec<Op>>,
    /// The page being drawn on: the last one, except while [`Canvas::finish`] adds footers.
    current: usize,
    watermark: Option<String>,
}

impl Canvas {
    /// A canvas with one empty page. `watermark`, when given, is drawn across every page,
    /// beneath the content.
    pub(crate) fn new(title: &str, watermark: Option<&str>) -> Canvas {
        let mut canvas = Canvas {
            doc: PdfDocument::new(&text::printable(title)),
            pages: Vec::new(),
            current: 0,
            watermark: watermark.map(text::printable),
        };
        canvas.new_page();
        canvas
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.current = self.pages.len() - 1;
        if let Some(mark) = self.watermark.clone() {
            self.draw_watermark(&mark);
        }
    }

    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Decodes PNG or JPEG bytes into an image the document can place.
    pub(crate) fn add_image(&mut self, bytes: &[u8]) -> Result<Image, PdfError> {
        let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
        let is_jpeg = bytes.starts_with(&[0xff, 0xd8, 0xff]);
        if !is_png && !is_jpeg {
            return Err(PdfError::Logo("neither PNG nor JPEG".into()));
        }
        // The decoder is third-party code fed configuration bytes: a panic in it is one more
        // way for the logo to be unusable, not a reason to take the request down.
        let decoded =
            std::panic::catch_unwind(|| RawImage::decode_from_bytes(bytes, &mut Vec::new()))
                .map_err(|_| PdfError::Logo("the image decoder failed".into()))?
                .map_err(PdfError::Logo)?;
        if decoded.width == 0 || decoded.height == 0 {
            return Err(PdfError::Logo("the image is empty".into()));
        }
        let (width_px, height_px) = (decoded.width as f32, decoded.height as f32);
        let id = self.doc.add_image(&decoded);
        Ok(Image {
            id,
            width_px,
            height_px,
        })
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.current >= self.pages.len() {
            self.pages.push(Vec::new());
            self.current = self.pages.len() - 1;
        }
        &mut self.pages[self.current]
    }

    fn point(x: f32, y: f32) -> Point {
        Point::new(Mm(x), Mm(PAGE_H - y))
    }

    /// Draws printable text with its baseline at `y`, starting at `x`.
    pub(crate) fn text(&mut self, x: f32, y: f32, face: Face, size: f32, color: Rgb8, s: &str) {
        let s = text::printable(s);
        if s.trim().is_empty() {
            return;
        }
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(face.builtin()),
                size: Pt(size),
            },
            Op::SetFillColor { col: color.color() },
            Op::SetTextCursor {
                pos: Self::point(x, y),
            },
            Op::ShowText {
                items: vec![TextItem::Text(s)],
            },
            Op::EndTextSection,
        ]);
    }

    /// Draws text ending at `right`.
    pub(crate) fn text_right(
        &mut self,
        right: f32,
        y: f32,
        face: Face,
        size: f32,
        color: Rgb8,
        s: &str,
    ) {
        let s = text::printable(s);
        let w = text::width(face, size, &s) / PT_PER_MM;
        self.text(right - w, y, face, size, color, &s);
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb8) {
        let lower_left = Self::point(x, y + h);
        self.ops().extend([
            Op::SetFillColor { col: color.color() },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(lower_left.x, lower_left.y, Mm(w).into_pt(), Mm(h).into_pt())
                },
            },
        ]);
    }

    pub(crate) fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness_pt: f32, color: Rgb8) {
        self.ops().extend([
            Op::SetOutlineColor { col: color.color() },
            Op::SetOutlineThickness {
                pt: Pt(thickness_pt),
            },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Self::point(x1, y),
                            bezier: false,
                        },
                        LinePoint {
                            p: Self::point(x2, y),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Places `image` with its top-left corner at (`x`, `y`), `w` × `h` millimetres.
    pub(crate) fn image(&mut self, image: &Image, x: f32, y: f32, w: f32, h: f32) {
        let origin = Self::point(x, y + h);
        // At 72 dpi one pixel is one point; the scale then brings it to the wanted size.
        let transform = XObjectTransform {
            translate_x: Some(origin.x),
            translate_y: Some(origin.y),
            scale_x: Some(Mm(w).into_pt().0 / image.width_px),
            scale_y: Some(Mm(h).into_pt().0 / image.height_px),
            dpi: Some(72.0),
            ..Default::default()
        };
        self.ops().push(Op::UseXobject {
            id: image.id.clone(),
            transform,
        });
    }

    /// Large diagonal text across the page, in a pale colour, under everything else.
    fn draw_watermark(&mut self, mark: &str) {
        let size = 110.0;
        let w = text::width(Face::Bold, size, mark).min(PAGE_W * 1.3 * PT_PER_MM);
        let size = size * w / text::width(Face::Bold, size, mark).max(1.0);
        let (sin, cos) = 45f32.to_radians().sin_cos();
        // Start so that the middle of the text (half its width along the baseline, half the
        // cap height across it) lands on the middle of the page.
        let cap = size * 0.72;
        let cx = PAGE_W / 2.0 * PT_PER_MM;
        let cy = PAGE_H / 2.0 * PT_PER_MM;
        let x = cx - w / 2.0 * cos + cap / 2.0 * sin;
        let y = cy - w / 2.0 * sin - cap / 2.0 * cos;
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(Face::Bold.builtin()),
                size: Pt(size),
            },
            Op::SetFillColor {
                col: WATERMARK.color(),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
            },
            Op::ShowText {
                items: vec![TextItem::Text(mark.to_string())],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
    }

    /// Draws the footer on every page (`left` text and "Page n / m") and serialises the PDF.
    pub(crate) fn finish(mut self, left: &str) -> Result<Vec<u8>, PdfError> {
        let total = self.pages.len();
        let left = text::truncate(Face::Regular, 7.0, left, (CONTENT_W - 30.0) * PT_PER_MM);
        for index in 0..total {
            self.current = index;
            self.hline(MARGIN_X, RIGHT, 283.0, 0.5, RULE);
            self.text(MARGIN_X, 288.0, Face::Regular, 7.0, MUTED, &left);
            self.text_right(
                RIGHT,
                288.0,
                Face::Regular,
                7.0,
                MUTED,
                &format!("Page {} / {}", index + 1, total),
            );
        }
        let pages = self
            .pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
            .collect();
        let options = PdfSaveOptions {
            // A logo is small and must stay sharp: lossless, no size-driven recompression.
            image_optimization: Some(ImageOptimizationOptions {
                quality: None,
                max_image_size: None,
                format: Some(ImageCompression::Flate),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut doc = self.doc;
        let mut warnings = Vec::new();
        // printpdf's serialiser returns bytes, not a Result; a panic inside it is the only
        // failure it has, and a bad document must be an error for the caller, not a crash.
        let bytes = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            doc.with_pages(pages).save(&options, &mut warnings)
        }))
        .map_err(|_| PdfError::Render("the PDF writer failed".into()))?;
        if !bytes.starts_with(b"%PDF-") {
            return Err(PdfError::Render("the PDF writer produced no PDF".into()));
        }
        Ok(bytes)
    }
}
