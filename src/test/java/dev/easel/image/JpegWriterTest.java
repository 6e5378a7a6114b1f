package dev.easel.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class JpegWriterTest {
  private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

  @Test
  void stripedFileIsLibjpegsWholePictureFileWithARestartInterval() throws IOException {
    int[][] cases = { // width, height, strip height
      {97, 61, 16},
      {64, 64, 16},
      {33, 100, 32},
      {1, 40, 16},
      {300, 17, 16},
      {1024, 48, 16},
      {5, 3, 16}
    };
    for (int[] c : cases) {
      RgbaImage image = TestImages.photoLike(c[0], c[1], c[0] + c[1]);
      int strips = Math.ceilDiv(c[1], c[2]);
      int interval = strips == 1 ? 0 : c[2] / 16 * Math.ceilDiv(c[0], 16);
      assertThat(JpegWriter.write(image, 0.9f, c[2]))
          .as("%dx%d in strips of %d", c[0], c[1], c[2])
          .isEqualTo(libjpeg(image, 0.9f, interval));
    }
  }

  @Test
  void stripedDecodesToTheSamePixelsAsOnePieceAtEveryQuality() {
    int[][] sizes = {{1, 1}, {2, 3}, {15, 17}, {16, 16}, {17, 33}, {130, 70}, {40, 129}, {200, 1}};
    float[] qualities = {0f, 0.5f, 1f};
    double[] minPsnr = {12, 24, 32};
    for (int[] size : sizes) {
      RgbaImage image = TestImages.photoLike(size[0], size[1], size[0] * 31L + size[1]);
      for (int q = 0; q < qualities.length; q++) {
        RgbaImage striped = ImageDecoder.decode(JpegWriter.write(image, qualities[q], 16)).image();
        RgbaImage whole =
            ImageDecoder.decode(JpegWriter.write(image, qualities[q], 1 << 20)).image();
        assertThat(striped.rgba())
            .as("%dx%d at quality %s", size[0], size[1], qualities[q])
            .isEqualTo(whole.rgba());
        if (size[0] * size[1] >= 64) {
          assertThat(TestImages.psnr(image, striped)).isGreaterThan(minPsnr[q]);
        }
      }
    }
  }

  @Test
  void transparentRowsAreCompositedOnWhiteInEveryStrip() {
    RgbaImage image = TestImages.photoLike(48, 80, 5);
    byte[] rgba = image.rgba();
    for (int i = 20 * 48 * 4; i < 60 * 48 * 4; i += 4) {
      rgba[i + 3] = 0;
    }
    byte[] striped = JpegWriter.write(image, 0.95f, 16);
    RgbaImage decoded = ImageDecoder.decode(striped).image();
    assertThat(decoded.rgba())
        .isEqualTo(ImageDecoder.decode(JpegWriter.write(image, 0.95f, 96)).image().rgba());
    for (int x = 0; x < 48; x += 7) {
      assertThat(decoded.channel(x, 40, 0)).isGreaterThan(248);
      assertThat(decoded.channel(x, 40, 2)).isGreaterThan(248);
    }
    assertThat(TestImages.psnr(cropRows(image, 64, 80), cropRows(decoded, 64, 80)))
        .isGreaterThan(35);
  }

  @Test
  void joinedFileHasOneHeaderADriSegmentAndRestartMarkersInTurn() {
    RgbaImage image = TestImages.photoLike(70, 16 * 10 + 5, 3);
    byte[] jpeg = JpegWriter.write(image, 0.8f, 16);
    assertThat(jpeg[0] & 0xff).isEqualTo(0xFF);
    assertThat(jpeg[1] & 0xff).isEqualTo(0xD8);
    List<Integer> header = new ArrayList<>();
    int i = 2;
    int dri = -1;
    while ((jpeg[i + 1] & 0xff) != 0xDA) {
      int marker = jpeg[i + 1] & 0xff;
      header.add(marker);
      if (marker == 0xDD) {
        dri = u16(jpeg, i + 4);
      }
      if (marker == 0xC0) {
        assertThat(u16(jpeg, i + 5)).isEqualTo(165);
        assertThat(u16(jpeg, i + 7)).isEqualTo(70);
      }
      i += 2 + u16(jpeg, i + 2);
    }
    assertThat(header).containsOnlyOnce(0xC0, 0xDD).contains(0xC4);
    assertThat(dri).isEqualTo(Math.ceilDiv(70, 16));
    List<Integer> markers = new ArrayList<>();
    for (i += 2 + u16(jpeg, i + 2); i < jpeg.length - 1; i++) {
      if ((jpeg[i] & 0xff) == 0xFF && jpeg[i + 1] != 0) {
        markers.add(jpeg[i + 1] & 0xff);
        i++;
      }
    }
    assertThat(markers)
        .containsExactly(0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD0, 0xD1, 0xD9);
    assertThat(i).isEqualTo(jpeg.length);
  }

  @Test
  void largePicturesAreSplitAcrossCoresIntoLibjpegsRestartFile() throws IOException {
    RgbaImage image = TestImages.photoLike(640, 480, 8);
    byte[] jpeg = JpegWriter.write(image, 1f);
    assertThat(jpeg).isEqualTo(libjpeg(image, 1f, restartInterval(jpeg)));
    assertThat(ImageDecoder.decode(jpeg).image().rgba())
        .isEqualTo(ImageDecoder.decode(JpegWriter.write(image, 1f, 480)).image().rgba());
  }

  @Test
  void rejectsStripHeightsThatAreNotWholeMcuRows() {
    RgbaImage image = TestImages.photoLike(8, 8, 1);
    assertThatThrownBy(() -> JpegWriter.write(image, 1f, 24))
        .hasMessageContaining("multiple of 16");
    assertThatThrownBy(() -> JpegWriter.write(image, 1f, 0)).hasMessageContaining("multiple of 16");
  }

  /** The JDK's libjpeg on the whole picture, with a restart interval in MCUs (0: none). */
  private static byte[] libjpeg(RgbaImage image, float quality, int restartInterval)
      throws IOException {
    BufferedImage bgr =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    byte[] rgba = image.rgba();
    for (int s = 0, d = 0; s < rgba.length; s += 4, d += 3) {
      pixels[d] = rgba[s + 2];
      pixels[d + 1] = rgba[s + 1];
      pixels[d + 2] = rgba[s];
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(bgr), param);
    if (restartInterval > 0) {
      IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(JPEG_METADATA);
      IIOMetadataNode markers =
          (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
      IIOMetadataNode dri = new IIOMetadataNode("dri");
      dri.setAttribute("interval", Integer.toString(restartInterval));
      markers.insertBefore(dri, markers.getElementsByTagName("sos").item(0));
      metadata.setFromTree(JPEG_METADATA, root);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(bgr, null, metadata), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static int restartInterval(byte[] jpeg) {
    for (int i = 2; (jpeg[i + 1] & 0xff) != 0xDA; i += 2 + u16(jpeg, i + 2)) {
      if ((jpeg[i + 1] & 0xff) == 0xDD) {
        return u16(jpeg, i + 4);
      }
    }
    return 0;
  }

  private static RgbaImage cropRows(RgbaImage image, int from, int to) {
    int row = image.width() * 4;
    byte[] rgba = new byte[(to - from) * row];
    System.arraycopy(image.rgba(), from * row, rgba, 0, rgba.length);
    return new RgbaImage(image.width(), to - from, rgba);
  }

  private static int u16(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }
}
