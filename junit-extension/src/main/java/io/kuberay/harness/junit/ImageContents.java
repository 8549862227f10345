package io.kuberay.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the user's own image holds on the emulated backend (which pulls no image), for {@link
 * KubeRayTest#images()}: pods whose image matches {@link #image()} see {@link #directory()},
 * read-only, at {@link #mountPath()}, and run Ray with {@link #requirements()} installed. The k3s
 * and existing backends run the real image. See {@code io.kuberay.harness.UserImage}.
 *
 * <pre>{@code
 * @KubeRayTest(images = @ImageContents(image = "myorg/ray-app:*", directory = "src/test/app"))
 * }</pre>
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ImageContents {

  /** The image, or a pattern where {@code *} stands for any text, e.g. {@code myorg/ray-app:*}. */
  String image();

  /** The local directory the image holds; relative to the working directory (the module's). */
  String directory();

  /** Where the image's containers see the directory. */
  String mountPath() default "/app";

  /** A pip requirements file the image has installed next to Ray; empty for none. */
  String requirements() default "";

  /**
   * The Ray version the image is built on ({@code FROM rayproject/ray:X.Y.Z}); empty: the
   * RayCluster's {@code rayVersion}, else the harness's default.
   */
  String rayVersion() default "";
}
