import { mount } from '../common/ui';
import { PanelPage } from './PanelPage';

mount(<PanelPage />);
