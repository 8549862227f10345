package io.kuberay.harness.k3s;

import com.github.dockerjava.api.DockerClient;
import io.kuberay.harness.install.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.utility.MountableFile;

/**
 * Copies images from the local Docker engine into the node's containerd, so that pods never pull
 * them: {@code docker save} → copy into the container → {@code ctr -n k8s.io images import}, the
 * steps of Testcontainers' unmerged {@code K3sContainer.loadImages}.
 */
final class ImageSideloader {

  private static final Logger logger = LoggerFactory.getLogger(ImageSideloader.class);
  private static final String IN_CONTAINER_DIR = "/var/lib/rancher/k3s/harness-images";

  private final DockerClient docker;
  private final KubeRayK3sContainer node;

  private final Path scratch;

  /**
   * @param scratch where image tars wait for the copy into the node: the environment's own
   *     directory
   */
  ImageSideloader(DockerClient docker, KubeRayK3sContainer node, Path scratch) {
    this.docker = docker;
    this.node = node;
    this.scratch = scratch;
  }

  void load(String image) {
    long start = System.nanoTime();
    Path tar = null;
    try {
      tar = Files.createTempFile(scratch, "image-", ".tar");
      try (InputStream in = docker.saveImageCmd(image).exec()) {
        Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
      }
      String target = IN_CONTAINER_DIR + "/" + tar.getFileName();
      node.copyFileToContainer(MountableFile.forHostPath(tar), target);
      ExecResult result =
          node.execInContainer(
              "sh",
              "-c",
              "ctr -n k8s.io images import '"
                  + target
                  + "'; rc=$?; rm -f '"
                  + target
                  + "'; exit $rc");
      if (result.getExitCode() != 0) {
        throw new IllegalStateException(
            "ctr images import of "
                + image
                + " failed (exit "
                + result.getExitCode()
                + "): "
                + result.getStderr()
                + result.getStdout());
      }
      logger.info(
          "Side-loaded {} into the k3s node in {} ms",
          image,
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot side-load " + image + " into the k3s node", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while side-loading " + image, e);
    } finally {
      if (tar != null) {
        try {
          Files.deleteIfExists(tar);
        } catch (IOException e) {
          logger.debug("Could not delete {}", tar);
        }
      }
    }
  }

  /** Tags each loaded image under another name inside containerd ({@code ctr images tag}). */
  void alias(Map<String, String> aliases) {
    aliases.forEach(
        (source, alias) -> {
          try {
            ExecResult result =
                node.execInContainer(
                    "ctr",
                    "-n",
                    "k8s.io",
                    "images",
                    "tag",
                    "--force",
                    ImageReference.parse(source).fullyQualified(),
                    ImageReference.parse(alias).fullyQualified());
            if (result.getExitCode() != 0) {
              throw new IllegalStateException(
                  "ctr images tag " + source + " " + alias + " failed: " + result.getStderr());
            }
            logger.info("{} is also available in the cluster as {}", source, alias);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }
}
