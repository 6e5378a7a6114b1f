package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

class ImageEncoderTest {

  @Test
  void pngRoundTripIsExactWithAlpha() {
    RgbaImage image = TestImages.withAlphaRamp(97, 61);
    DecodedImage decoded = ImageDecoder.decode(ImageEncoder.encode(image, OutputFormat.PNG));
    assertThat(decoded.sourceMode()).isEqualTo(PixelMode.RGBA);
    assertThat(decoded.image().rgba()).isEqualTo(image.rgba());
  }

  @Test
  void opaquePngIsWrittenAsRgbAndRoundTripsExactly() {
    RgbaImage image = TestImages.photoLike(130, 70, 9);
    byte[] png = ImageEncoder.encode(image, OutputFormat.PNG);
    DecodedImage decoded = ImageDecoder.decode(png);
    assertThat(decoded.sourceMode()).isEqualTo(PixelMode.RGB);
    assertThat(decoded.hasAlpha()).isFalse();
    assertThat(decoded.image().rgba()).isEqualTo(image.rgba());
  }

  @Test
  void pngIsReadableByImageIo() throws IOException {
    RgbaImage image = TestImages.withAlphaRamp(40, 30);
    BufferedImage read =
        ImageIO.read(new ByteArrayInputStream(ImageEncoder.encode(image, OutputFormat.PNG)));
    assertThat(read.getRGB(39, 29) >>> 24).isEqualTo(255);
    assertThat(read.getRGB(0, 0) >>> 24).isZero();
    assertThat(read.getRGB(20, 10) & 0xffffff)
        .isEqualTo(
            image.channel(20, 10, 0) << 16
                | image.channel(20, 10, 1) << 8
                | image.channel(20, 10, 2));
  }

  @Test
  void jpegRoundTripIsCloseAndCompressionMakesItSmaller() {
    RgbaImage image = TestImages.photoLike(256, 192, 11);
    byte[] best = ImageEncoder.encode(image, OutputFormat.JPEG);
    DecodedImage decoded = ImageDecoder.decode(best);
    assertThat(decoded.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(TestImages.psnr(image, decoded.image())).isGreaterThan(35);
    byte[] small = ImageEncoder.encode(image, OutputFormat.JPEG, 30, Map.of());
    assertThat(small.length).isLessThan(best.length / 2);
    assertThat(TestImages.psnr(image, ImageDecoder.decode(small).image())).isGreaterThan(28);
  }

  @Test
  void jpegCompositesTransparencyOnWhite() {
    RgbaImage image = TestImages.solid(16, 16, 0, 0, 0, 0);
    DecodedImage decoded = ImageDecoder.decode(ImageEncoder.encode(image, OutputFormat.JPEG));
    assertThat(decoded.hasAlpha()).isFalse();
    assertThat(decoded.image().channel(8, 8, 0)).isGreaterThan(250);
    RgbaImage half = TestImages.solid(16, 16, 0, 0, 0, 128);
    int grey =
        ImageDecoder.decode(ImageEncoder.encode(half, OutputFormat.JPEG)).image().channel(8, 8, 1);
    assertThat(grey).isBetween(124, 130);
  }

  @Test
  void webpRoundTripIsCloseAndKeepsAlpha() {
    RgbaImage image = TestImages.photoLike(256, 192, 12);
    DecodedImage decoded = ImageDecoder.decode(ImageEncoder.encode(image, OutputFormat.WEBP));
    assertThat(decoded.format()).isEqualTo(ImageFormat.WEBP);
    assertThat(decoded.hasAlpha()).isFalse();
    assertThat(TestImages.psnr(image, decoded.image())).isGreaterThan(33);

    RgbaImage alpha = TestImages.withAlphaRamp(64, 48);
    DecodedImage withAlpha = ImageDecoder.decode(ImageEncoder.encode(alpha, OutputFormat.WEBP));
    assertThat(withAlpha.hasAlpha()).isTrue();
    assertThat(withAlpha.sourceMode()).isEqualTo(PixelMode.RGBA);
    assertThat(withAlpha.image().alpha(0, 10)).isLessThan(8);
    assertThat(withAlpha.image().alpha(63, 10)).isGreaterThan(247);
  }

  @Test
  void pngTextChunksAreReadableByImageIoAndOurReader() throws IOException {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("parameters", "a red fox\nSteps: 20, Sampler: Euler a, Seed: 42, Size: 64x32");
    text.put("Comment", "naïve café ✓ 狐");
    byte[] png = ImageEncoder.encode(TestImages.photoLike(64, 32, 13), OutputFormat.PNG, 100, text);
    assertThat(PngChunks.textChunks(png)).containsExactlyEntriesOf(text);

    Map<String, String> viaImageIo = new LinkedHashMap<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader reader = readers.next();
      reader.setInput(in);
      IIOMetadataNode root =
          (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
      NodeList latin1 = root.getElementsByTagName("tEXtEntry");
      for (int i = 0; i < latin1.getLength(); i++) {
        IIOMetadataNode e = (IIOMetadataNode) latin1.item(i);
        viaImageIo.put(e.getAttribute("keyword"), e.getAttribute("value"));
      }
      NodeList utf8 = root.getElementsByTagName("iTXtEntry");
      for (int i = 0; i < utf8.getLength(); i++) {
        IIOMetadataNode e = (IIOMetadataNode) utf8.item(i);
        viaImageIo.put(e.getAttribute("keyword"), e.getAttribute("text"));
      }
      reader.dispose();
    }
    assertThat(viaImageIo).isEqualTo(text);
  }

  @Test
  void rejectsBadArguments() {
    RgbaImage image = TestImages.photoLike(8, 8, 1);
    assertThatThrownBy(() -> ImageEncoder.encode(image, OutputFormat.JPEG, 101, Map.of()))
        .hasMessageContaining("between 0 and 100");
    assertThatThrownBy(
            () -> ImageEncoder.encode(image, OutputFormat.PNG, 100, Map.of("", "empty keyword")))
        .hasMessageContaining("keyword");
    assertThat(OutputFormat.fromApiName("JPG")).isEqualTo(OutputFormat.JPEG);
    assertThat(OutputFormat.fromApiName("webp").mimeType()).isEqualTo("image/webp");
    assertThatThrownBy(() -> OutputFormat.fromApiName("gif"))
        .hasMessageContaining("png, jpeg or webp");
  }
}
