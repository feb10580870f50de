import { render } from 'preact';
render(<p>Mado</p>, document.getElementById('app')!);
