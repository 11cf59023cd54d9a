/** The fixture's tiny conv teacher: Sequential(Conv, ReLU, Conv, ReLU, AdaptiveAvgPool2d(1), Flatten, Linear). */
import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveAvgPool2d, Conv2d, Flatten, Linear, Module, ReLU, Sequential } from '@vit/core';

export class TinyCnnTeacher extends Module {
  readonly net: Sequential;
  constructor(numClasses: number) {
    super();
    // Indices as in the fixture's keys: teacher.net.{0,2,6}.
    this.net = this.addModule('net', new Sequential(
      new Conv2d(3, 8, 3, { stride: 2, padding: 1 }), new ReLU(), new Conv2d(8, 16, 3, { stride: 2, padding: 1 }), new ReLU(),
      new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, numClasses),
    ));
  }
  forward(img: tf.Tensor): tf.Tensor {
    return this.net.forward(img);
  }
}
