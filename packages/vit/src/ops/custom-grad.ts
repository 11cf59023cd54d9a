// One typed `tf.customGrad` wrapper for the project, from the kernels @vit/einops shares with us.
export { customGrad } from '@vit/einops/kernels';
