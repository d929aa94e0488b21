//! A product picture as an admin uploads it: what the bytes are (sniffed
//! from them; the declared type is never trusted), whether they are safe to
//! decode (dimensions are read from the header and checked before a pixel
//! is allocated), and the variants that are stored: re-encoded from the
//! pixels, so no metadata (EXIF, GPS, comments) survives, and turned upright
//! first by the EXIF orientation. Pure and synchronous: callers run it on
//! the blocking pool.

use std::io::Cursor;

use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
    codecs::{jpeg::JpegEncoder, webp::WebPEncoder},
    imageops::FilterType,
};

/// How large a picture may be, in pixels.
#[derive(Debug, Clone, Copy)]
pub struct ImageRules {
    /// `MEDIA_MAX_DIMENSION`: the widest and tallest accepted.
    pub max_dimension: u32,
    /// `MEDIA_MAX_PIXELS`: width times height, at most.
    pub max_pixels: u64,
}

/// Why a picture was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the file is not a JPEG, PNG or WebP image")]
    Unsupported,
    #[error("the {0} image cannot be decoded (truncated or corrupt)")]
    Invalid(&'static str),
    #[error(
        "the image is {width}x{height} pixels; at most {max_dimension} on a side and {max_pixels} in all are accepted"
    )]
    TooLarge {
        width: u32,
        height: u32,
        max_dimension: u32,
        max_pixels: u64,
    },
}

/// One stored rendering of a picture.
#[derive(Debug, Clone)]
pub struct Variant {
    pub bytes: Vec<u8>,
    pub format: StoredFormat,
    pub width: u32,
    pub height: u32,
}

/// The formats variants are stored in: JPEG for opaque pictures, lossless
/// WebP for those with transparency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredFormat {
    Jpeg,
    WebP,
}

impl StoredFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::WebP => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::WebP => "webp",
        }
    }

    /// The format a stored object's name ends in.
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "jpg" => Some(Self::Jpeg),
            "webp" => Some(Self::WebP),
            _ => None,
        }
    }
}

/// The variants kept of every picture: `large` is what the product page
/// shows (`url`), `thumb` what lists show (`thumb_url`).
#[derive(Debug, Clone)]
pub struct Processed {
    pub large: Variant,
    pub thumb: Variant,
}

/// The widest `large` variant; narrower pictures keep their width.
pub const LARGE_WIDTH: u32 = 1024;
/// The widest `thumb` variant.
pub const THUMB_WIDTH: u32 = 320;
const JPEG_QUALITY: u8 = 85;

/// What the bytes are, by their signature.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat, ImageError> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(format),
        _ => Err(ImageError::Unsupported),
    }
}

fn name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        _ => "WebP",
    }
}

/// Checks, decodes and renders the variants of an uploaded picture.
pub fn process(bytes: &[u8], rules: ImageRules) -> Result<Processed, ImageError> {
    let format = sniff(bytes)?;
    let invalid = |_| ImageError::Invalid(name(format));
    // The header first: a decompression bomb is refused before it is decoded.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(invalid)?;
    let pixels = u64::from(width) * u64::from(height);
    if width > rules.max_dimension || height > rules.max_dimension || pixels > rules.max_pixels {
        return Err(ImageError::TooLarge {
            width,
            height,
            max_dimension: rules.max_dimension,
            max_pixels: rules.max_pixels,
        });
    }
    if format == ImageFormat::Jpeg && !bytes.ends_with(&[0xFF, 0xD9]) {
        // The decoder fills a cut-off JPEG with grey rather than failing.
        let trimmed = bytes
            .iter()
            .rposition(|&b| b != 0)
            .map_or(&[][..], |end| &bytes[..=end]);
        if !trimmed.ends_with(&[0xFF, 0xD9]) {
            return Err(ImageError::Invalid(name(format)));
        }
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(rules.max_dimension);
    limits.max_image_height = Some(rules.max_dimension);
    // RGBA at 16 bits a channel, and room for the decoder's own buffers.
    limits.max_alloc = Some(rules.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(invalid)?;
    let orientation = decoder.orientation().map_err(invalid)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(invalid)?;
    picture.apply_orientation(orientation);
    Ok(Processed {
        large: variant(&picture, LARGE_WIDTH),
        thumb: variant(&picture, THUMB_WIDTH),
    })
}

/// `picture` at most `max_width` wide (never enlarged), encoded.
fn variant(picture: &DynamicImage, max_width: u32) -> Variant {
    let resized;
    let picture = if picture.width() > max_width {
        resized = picture.resize(max_width, u32::MAX, FilterType::CatmullRom);
        &resized
    } else {
        picture
    };
    let mut bytes = Vec::new();
    let format = if picture.color().has_alpha() {
        let rgba = picture.to_rgba8();
        WebPEncoder::new_lossless(&mut bytes)
            .encode(
                rgba.as_raw(),
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )
            .map(|()| StoredFormat::WebP)
    } else {
        let rgb = picture.to_rgb8();
        JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .encode_image(&rgb)
            .map(|()| StoredFormat::Jpeg)
    };
    // Encoding pixels held in memory into a Vec cannot fail.
    let format = format.unwrap_or(StoredFormat::Jpeg);
    Variant {
        bytes,
        format,
        width: picture.width(),
        height: picture.height(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    const RULES: ImageRules = ImageRules {
        max_dimension: 10_000,
        max_pixels: 40_000_000,
    };

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        if alpha {
            ImageBuffer::from_pixel(width, height, Rgba([10u8, 200, 30, 128]))
                .write_to(&mut out, ImageFormat::Png)
                .unwrap();
        } else {
            ImageBuffer::from_pixel(width, height, Rgb([10u8, 200, 30]))
                .write_to(&mut out, ImageFormat::Png)
                .unwrap();
        }
        out.into_inner()
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        ImageBuffer::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        })
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
        out.into_inner()
    }

    #[test]
    fn variants_keep_the_aspect_and_are_never_enlarged() {
        let processed = process(&jpeg(2048, 1024), RULES).unwrap();
        assert_eq!((processed.large.width, processed.large.height), (1024, 512));
        assert_eq!((processed.thumb.width, processed.thumb.height), (320, 160));
        assert_eq!(processed.large.format, StoredFormat::Jpeg);
        let small = process(&png(200, 100, false), RULES).unwrap();
        assert_eq!((small.large.width, small.thumb.width), (200, 200));
        let decoded = image::load_from_memory(&small.thumb.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (200, 100));
    }

    /// `jpeg` with an EXIF segment: orientation `orientation`, and a GPS-like note.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        // Orientation (0x0112), SHORT, 1 value.
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        // ImageDescription (0x010E), ASCII, pointing past the IFD.
        let note = b"GPS 51.5007N 0.1246W\0";
        let at = u32::try_from(tiff.len() + 12 + 4).unwrap();
        tiff.extend_from_slice(&[0x0E, 0x01, 2, 0]);
        tiff.extend_from_slice(&u32::try_from(note.len()).unwrap().to_le_bytes());
        tiff.extend_from_slice(&at.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(note);
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(segment.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&segment);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_is_stripped_and_the_orientation_applied() {
        let tagged = with_exif(&jpeg(200, 100), 6);
        assert!(contains(&tagged, b"GPS 51.5007N"));
        let processed = process(&tagged, RULES).unwrap();
        for variant in [&processed.large, &processed.thumb] {
            assert!(!contains(&variant.bytes, b"Exif"));
            assert!(!contains(&variant.bytes, b"GPS"));
        }
        // Orientation 6: the camera was turned; the stored picture is upright.
        assert_eq!((processed.large.width, processed.large.height), (100, 200));
    }

    #[test]
    fn transparency_is_kept_as_webp() {
        let processed = process(&png(64, 64, true), RULES).unwrap();
        assert_eq!(processed.large.format, StoredFormat::WebP);
        assert_eq!(sniff(&processed.large.bytes), Ok(ImageFormat::WebP));
    }

    #[test]
    fn what_is_not_a_picture_is_refused_by_its_bytes() {
        assert_eq!(
            process(b"just some text, named photo.png", RULES).unwrap_err(),
            ImageError::Unsupported
        );
        // A GIF is an image, but not one of the three.
        assert_eq!(
            process(b"GIF89a\x01\x00\x01\x00\x00\x00\x00", RULES).unwrap_err(),
            ImageError::Unsupported
        );
    }

    #[test]
    fn a_cut_off_picture_is_invalid() {
        let whole = jpeg(300, 200);
        assert_eq!(
            process(&whole[..whole.len() / 2], RULES).unwrap_err(),
            ImageError::Invalid("JPEG")
        );
        let whole = png(300, 200, false);
        assert_eq!(
            process(&whole[..whole.len() - 20], RULES).unwrap_err(),
            ImageError::Invalid("PNG")
        );
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        let processed = process(&png(300, 200, false), RULES);
        assert!(processed.is_ok());
        let tight = ImageRules {
            max_dimension: 250,
            max_pixels: 1_000_000,
        };
        assert!(matches!(
            process(&png(300, 200, false), tight),
            Err(ImageError::TooLarge {
                width: 300,
                height: 200,
                ..
            })
        ));
        let few_pixels = ImageRules {
            max_dimension: 1000,
            max_pixels: 50_000,
        };
        assert!(matches!(
            process(&png(300, 200, false), few_pixels),
            Err(ImageError::TooLarge { .. })
        ));
    }
}
