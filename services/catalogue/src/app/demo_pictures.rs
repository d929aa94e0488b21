//! A picture for every demo product, drawn here (no downloaded or copied
//! art): a card in its category's colour with the product's initials and
//! name, lettered in a 5x7 pixel font written below. Each is uploaded through
//! the same path as an admin's upload ([`images::add`]), once: a product that
//! has a picture is left alone, and the picture's id is fixed by the
//! product's, so two replicas seeding at once store it once.

use image::{ImageFormat, Rgb, RgbImage};
use uuid::Uuid;

use crate::{
    app::images::{self, Upload},
    db::{models::product::ProductRecord, seed::demo_products},
    state::AppState,
};

const WIDTH: u32 = 800;
const HEIGHT: u32 = 600;

/// Uploads a picture for each demo product that has none.
pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    let mut added = 0;
    for product in demo_products()? {
        let record = {
            let mut conn = state.db.get().await?;
            let Some(id) = ProductRecord::id_for_sku(&mut conn, &product.sku).await? else {
                continue;
            };
            ProductRecord::find(&mut conn, id).await?
        };
        let Some(record) = record.filter(|r| r.images.is_empty()) else {
            continue;
        };
        let bytes = draw(&product.name, &product.category, &product.sku)?;
        let (high, low) = record.id.as_u64_pair();
        let image_id = Uuid::from_u64_pair(high, !low);
        let turn = images::admit(state)
            .await
            .map_err(|p| anyhow::anyhow!("{p:?}"))?;
        let upload = Upload {
            bytes,
            alt: Some(product.name.clone()),
        };
        images::add(state, record.id, image_id, upload, turn)
            .await
            .map_err(|p| anyhow::anyhow!("picture of {}: {p:?}", product.sku))?;
        added += 1;
    }
    tracing::info!(added, "demo pictures present");
    Ok(())
}

/// The category's colour (and a shade per product, from its sku).
fn colour(category: &str, sku: &str) -> [u8; 3] {
    let base: [u8; 3] = match category {
        "kitchen" => [196, 98, 45],
        "books" => [54, 92, 160],
        "outdoor" => [46, 125, 80],
        "electronics" => [70, 70, 90],
        "home" => [150, 90, 140],
        _ => [110, 110, 110],
    };
    let shade = sku
        .bytes()
        .fold(0u8, |acc, b| acc.wrapping_mul(31).wrapping_add(b))
        % 40;
    base.map(|c| c.saturating_add(shade))
}

/// The picture of one product, as PNG bytes.
pub fn draw(name: &str, category: &str, sku: &str) -> anyhow::Result<Vec<u8>> {
    let [r, g, b] = colour(category, sku);
    let mut picture = RgbImage::from_fn(WIDTH, HEIGHT, |_, y| {
        // Lighter at the top.
        let lift = |c: u8| {
            let light = 255 - u32::from(c);
            let value = u32::from(c) + light * (HEIGHT - y) / HEIGHT / 2;
            u8::try_from(value).unwrap_or(u8::MAX)
        };
        Rgb([lift(r), lift(g), lift(b)])
    });
    // The card, and the initials on it.
    fill(&mut picture, (200, 90), (400, 300), Rgb([250, 248, 242]));
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
        .take(2)
        .collect();
    let scale = 20;
    let width = text_width(&initials, scale);
    letter(
        &mut picture,
        &initials,
        ((WIDTH - width) / 2, 90 + (300 - 7 * scale) / 2),
        scale,
        Rgb([r, g, b]),
    );
    // The name below it, on up to two lines.
    let scale = 5;
    let per_line = (WIDTH - 40) / (6 * scale);
    for (row, line) in wrap(name, per_line as usize).iter().take(2).enumerate() {
        let width = text_width(line, scale);
        let y = 430 + u32::try_from(row).unwrap_or(0) * 10 * scale;
        letter(
            &mut picture,
            line,
            ((WIDTH - width) / 2, y),
            scale,
            Rgb([255, 255, 255]),
        );
    }
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, ImageFormat::Png)?;
    Ok(out.into_inner())
}

fn fill(picture: &mut RgbImage, (x0, y0): (u32, u32), (w, h): (u32, u32), colour: Rgb<u8>) {
    for y in y0..(y0 + h).min(picture.height()) {
        for x in x0..(x0 + w).min(picture.width()) {
            picture.put_pixel(x, y, colour);
        }
    }
}

fn wrap(text: &str, per_line: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= per_line => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn text_width(text: &str, scale: u32) -> u32 {
    let chars = u32::try_from(text.chars().count()).unwrap_or(0);
    (chars * 6).saturating_sub(1) * scale
}

/// Draws `text` in capitals from the 5x7 font, each dot `scale` pixels.
fn letter(picture: &mut RgbImage, text: &str, (x, y): (u32, u32), scale: u32, colour: Rgb<u8>) {
    for (i, c) in (0..).zip(text.chars()) {
        let rows = glyph(c.to_ascii_uppercase());
        for (row, bits) in (0..).zip(rows) {
            for col in 0..5 {
                if bits & (0b10000 >> col) != 0 {
                    let at = (x + (i * 6 + col) * scale, y + row * scale);
                    fill(picture, at, (scale, scale), colour);
                }
            }
        }
    }
}

/// Seven rows of five dots, the high bit on the left.
fn glyph(c: char) -> [u8; 7] {
    match c {
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ' ' => [0; 7],
        '-' => [0, 0, 0, 0x1F, 0, 0, 0],
        '\'' => [0x04, 0x04, 0x08, 0, 0, 0, 0],
        '.' => [0, 0, 0, 0, 0, 0x0C, 0x0C],
        ',' => [0, 0, 0, 0, 0x0C, 0x04, 0x08],
        '&' => [0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D],
        // Anything else: a box, so a missing letter shows.
        _ => [0x1F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_product_gets_a_picture_with_its_name_lettered() {
        for product in demo_products().unwrap() {
            let bytes = draw(&product.name, &product.category, &product.sku).unwrap();
            let picture = image::load_from_memory(&bytes).unwrap();
            assert_eq!((picture.width(), picture.height()), (WIDTH, HEIGHT));
            // The name's band has white dots on the coloured ground.
            let rgb = picture.to_rgb8();
            let white = (430..500)
                .flat_map(|y| (0..WIDTH).map(move |x| (x, y)))
                .filter(|&(x, y)| rgb.get_pixel(x, y).0 == [255, 255, 255])
                .count();
            assert!(white > 100, "{}: {white}", product.sku);
            for c in product.name.chars() {
                assert_ne!(
                    glyph(c.to_ascii_uppercase()),
                    glyph('\u{1}'),
                    "no letter for {c:?} in {}",
                    product.name
                );
            }
        }
    }

    #[test]
    fn long_names_wrap_by_word() {
        assert_eq!(
            wrap("Bamboo Cutting Board", 12),
            ["Bamboo", "Cutting", "Board"]
        );
        assert_eq!(wrap("Stoneware Mug", 25), ["Stoneware Mug"]);
    }
}
